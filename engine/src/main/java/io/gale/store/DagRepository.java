package io.gale.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** DAGs seen by a parse, with their paused flag. */
public interface DagRepository {

    /** Inserts or updates the parsed fields; a new DAG starts paused if {@code pausedAtCreation}. */
    void upsert(Collection<StoredDag> dags, boolean pausedAtCreation);

    /** Marks DAGs from these files that are not in {@code keep} as inactive (their file went away or broke). */
    void deactivateMissing(Collection<String> keep);

    Optional<StoredDag> find(String dagId);

    List<StoredDag> list();

    /** The next automated run of a DAG, as the scheduler recorded it. */
    record NextRun(String dagId, Instant logicalDate, Instant intervalStart, Instant intervalEnd, Instant createAfter) {
    }

    /** Locks (FOR UPDATE SKIP LOCKED) unpaused, active DAGs whose next run may be created at {@code now}. */
    List<NextRun> lockDue(Instant now);

    /** Records the next automated run (null: none) and the signature of the schedule it was computed for. */
    void setNext(String dagId, NextRun next, String signature);

    /** The schedule signature each DAG's stored next run was computed for. */
    Map<String, String> signatures();

    /** The earliest time any unpaused DAG's next run may be created, if any. */
    Optional<Instant> earliestCreateAfter();

    /** Returns false when the DAG is unknown. */
    boolean setPaused(String dagId, boolean paused);
}
