package io.gale.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** DAG rows (written by the DAG processor through {@link SerializedDagRepository}): paused flag and next runs. */
public interface DagRepository {

    Optional<StoredDag> find(String dagId);

    List<StoredDag> list();

    /** A column the DAG list may be ordered by. */
    enum Column { DAG_ID, LAST_PARSED_AT, IS_PAUSED, FILELOC }

    /** One key of an ordering; nulls come first ascending and last descending. */
    record Order(Column column, boolean descending) {
    }

    /**
     * A page of the active DAGs: those with any of {@code tags} (all of them when {@code allTags};
     * no tag filter when empty), whose id matches {@code idPattern} (SQL LIKE, case-insensitive,
     * anywhere in the id; null for any), paused or not ({@code paused}, null for either), ordered by
     * {@code order} and then by id, {@code limit} from {@code offset}.
     */
    record Query(List<String> tags, boolean allTags, String idPattern, Boolean paused, List<Order> order, int limit, int offset) {
        public Query {
            tags = List.copyOf(tags);
            order = List.copyOf(order);
        }
    }

    /** The DAGs of a page, and how many match in all. */
    record Page(List<StoredDag> dags, int total) {
    }

    /** A page of the DAG list, filtered, ordered and cut in the database. */
    Page page(Query query);

    /** The next automated run of a DAG, as the scheduler recorded it. */
    record NextRun(String dagId, Instant logicalDate, Instant intervalStart, Instant intervalEnd, Instant createAfter) {
    }

    /**
     * Takes the DAG's turn to start queued runs (its row FOR NO KEY UPDATE SKIP LOCKED, until the
     * transaction ends); false when another scheduler has it. Runs can still be created meanwhile.
     */
    boolean lockForRunStarts(String dagId);

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
