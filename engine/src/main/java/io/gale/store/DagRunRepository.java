package io.gale.store;

import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunGroup;
import io.gale.core.RunKey;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** DAG runs. */
public interface DagRunRepository {

    /** Creates the run; throws {@link io.gale.core.ConflictException} when its run id or logical date is taken. */
    DagRun create(NewDagRun run);

    Optional<DagRun> find(String dagId, String runId);

    Optional<DagRun> findByLogicalDate(String dagId, Instant logicalDate);

    /** Deletes a run with its task instances, XComs and logs. */
    boolean delete(String dagId, String runId);

    /** Runs of a DAG, newest logical date first. */
    List<DagRun> list(String dagId);

    /** The newest {@code perDag} runs (by logical date) of each of {@code dagIds}, in one query; DAGs without runs are absent. */
    Map<String, List<DagRun>> latest(java.util.Collection<String> dagIds, int perDag);

    /** Which runs a scheduler loop looks at. */
    record Scope(String dagId, String runId, Long backfillId, boolean includePaused) {
        public static final Scope ALL = new Scope(null, null, null, false);

        public static Scope run(String dagId, String runId) {
            return new Scope(dagId, runId, null, true);
        }

        public static Scope backfill(long id) {
            return new Scope(null, null, id, false);
        }
    }

    /**
     * Locks (FOR UPDATE SKIP LOCKED, inside a transaction) the running runs in scope, or only
     * those of them in {@code only} when it is not null; runs another scheduler holds are skipped.
     */
    List<DagRun> lockRunning(Scope scope, Collection<RunKey> only);

    /** Of one DAG and backfill (null for scheduled and manual runs): runs running anywhere, and runs queued in scope. */
    record ActiveGroup(RunGroup group, int running, int queued) {
    }

    /** The groups with running runs or with queued runs in scope, in one query. */
    List<ActiveGroup> activeGroups(Scope scope);

    /** Locks up to {@code limit} queued runs of one DAG and backfill (null: none) in scope, oldest first. */
    List<DagRun> lockQueued(Scope scope, String dagId, Long backfillId, int limit);

    /** Running runs of a group: a DAG's own runs (backfill null), or one backfill's. */
    int countRunning(io.gale.core.RunGroup group);

    /** Queued and running runs of a DAG that belong to no backfill. */
    int countActive(String dagId);

    /** How many runs are in each state (states without runs are absent), in one grouped query. */
    Map<DagRunState, Integer> countByState();

    /** Creates the run unless its run id or logical date is taken; returns it when created. */
    Optional<DagRun> createIfAbsent(NewDagRun run);

    /** Creates many runs in one batch, skipping those whose run id or logical date is taken; returns how many were created. */
    int createAll(List<NewDagRun> runs);

    /** The data interval of the DAG's latest scheduled run. */
    Optional<DagRun> latestScheduled(String dagId);

    /** Runs of a DAG whose logical date is within [from, to]. */
    List<DagRun> between(String dagId, Instant from, Instant to);

    /** Runs of one backfill. */
    List<DagRun> ofBackfill(long backfillId);

    /** Attaches existing runs to a backfill. */
    void attachToBackfill(Collection<String> runIds, String dagId, long backfillId);

    /** Sets the state of many runs at once, as {@link #setState} does. */
    void setStates(Map<RunKey, DagRunState> states, Instant now);

    /**
     * Sets the state, as Airflow does: back to queued, the run gets a new queued date and loses
     * its start and end dates; otherwise the start date is set on the first move out of queued,
     * the end date on a finished state (and cleared on an unfinished one).
     */
    void setState(String dagId, String runId, DagRunState state, Instant now);
}
