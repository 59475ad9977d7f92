package io.gale.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** DAGs seen by a parse, with their paused flag. */
public interface DagRepository {

    /** Inserts or updates the parsed fields; a new DAG starts paused if {@code pausedAtCreation}. */
    void upsert(Collection<StoredDag> dags, boolean pausedAtCreation);

    /** Marks DAGs from these files that are not in {@code keep} as inactive (their file went away or broke). */
    void deactivateMissing(Collection<String> keep);

    Optional<StoredDag> find(String dagId);

    List<StoredDag> list();

    /** Returns false when the DAG is unknown. */
    boolean setPaused(String dagId, boolean paused);
}
