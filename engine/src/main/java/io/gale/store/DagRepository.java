package io.gale.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** DAG rows (written by the DAG processor through {@link SerializedDagRepository}): paused flag and next runs. */
public interface DagRepository {

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
