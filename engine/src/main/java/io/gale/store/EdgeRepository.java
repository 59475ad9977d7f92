package io.gale.store;

import io.gale.core.TaskKey;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The edge executor's tables: tries waiting for or held by remote workers ({@code edge_job}),
 * the workers ({@code edge_worker}) and their tokens ({@code worker_token}). Nothing here
 * changes a task instance: a try's end is only stored, for the scheduler to record.
 */
public interface EdgeRepository {

    /** A try for a worker: the queue it waits in, the executor that owns it, and the workload as JSON. */
    record NewJob(TaskKey key, int tryNumber, int maxTries, String queue, String owner, String workload) {
    }

    /** A try a worker claimed: its workload as JSON. */
    record Claimed(TaskKey key, int tryNumber, String workload) {
    }

    /** A worker's report of a try's end (a TaskEvent as JSON). */
    record Report(TaskKey key, int tryNumber, String event) {
    }

    /** A try that was held by a worker that stopped heartbeating (or restarted); its workload as JSON. */
    record Lost(TaskKey key, int tryNumber, int maxTries, String worker, String workload) {
    }

    /**
     * A try whose scheduler died: its edge row is taken over only while its owner is still an
     * executor of that scheduler ({@code owner} starts with {@code "SCHEDULER_ID:"}).
     */
    record Orphan(TaskKey key, int tryNumber, long scheduler) {
    }

    /** How many tries wait in a queue, and in which pool. */
    record QueueDepth(String queue, String pool, int queued) {
    }

    /** A worker's state. */
    enum WorkerState {
        RUNNING, LOST, STOPPED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static WorkerState of(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** A worker as it last heartbeated. */
    record Worker(String name, List<String> queues, WorkerState state, int concurrency, int running, Instant firstSeen,
                  Instant lastHeartbeat) {
    }

    /**
     * Queues tries (a try queued again replaces its old row) and, in the same transaction,
     * notifies {@link ChangeListener#EDGE_JOBS} with each of their queues' names.
     */
    void enqueue(Collection<NewJob> jobs, Instant now);

    /**
     * Claims up to {@code max} queued tries of {@code queues} for {@code worker}, oldest first,
     * with {@code FOR UPDATE SKIP LOCKED} (workers never claim the same try); only tries whose task
     * instance is still running with that try number are claimed.
     */
    List<Claimed> claim(String worker, Collection<String> queues, int max, Instant now);

    /** Whether {@code worker} holds the try: claimed by it, not reported, and its task instance running with that try number. */
    boolean holds(String worker, TaskKey key, int tryNumber);

    /** Stores the end of a try {@code worker} holds (locking its row); false, changing nothing, when it does not hold it. */
    boolean report(String worker, TaskKey key, int tryNumber, String event);

    /**
     * Returns the reports of the tries {@code owner} queued that it has not taken yet, marking them
     * taken; a taken report stays until its try's end is recorded ({@link #deleteEnded}), so a
     * scheduler that adopts the tries of one killed in between takes it again.
     */
    List<Report> takeReports(String owner);

    /**
     * Removes and returns the tries {@code owner} queued that workers hold while their last
     * heartbeat is older than {@code staleBefore} (or that have no worker row).
     */
    List<Lost> takeLost(String owner, Instant staleBefore);

    /**
     * Deletes and returns {@code owner}'s queued tries whose task instance no longer runs that
     * try (cleared, or ended by another scheduler); the workload is not returned.
     */
    List<Claimed> deleteStale(String owner);

    /**
     * Makes {@code owner} the owner of the rows of {@code orphans} (queued, held by a worker or
     * reported; a taken report is reported again, for the new owner to take) that an executor of
     * the orphan's dead scheduler owns; returns the tries taken over.
     * Two schedulers adopting at once take each row once.
     */
    List<TaskKey> adopt(Collection<Orphan> orphans, String owner);

    /** The tries {@code owner} has rows for. */
    List<Claimed> owned(String owner);

    /**
     * Deletes rows of any owner whose task instance is neither running nor restarting with that
     * try (it ended while the row waited, e.g. as a zombie); returns how many. Such a row can never
     * be claimed or reported.
     */
    int deleteEnded();

    /** Queued tries (waiting for a worker) by queue and by the pool of their task instance. */
    List<QueueDepth> queueDepths();

    /** Records a worker's heartbeat: its queues, concurrency, tries running and state. */
    void heartbeat(String name, List<String> queues, int concurrency, int running, WorkerState state, Instant now);

    /**
     * Lets go of the tries a worker of this name held (it restarted: they are not running any
     * more); the edge executor then reports them lost. Returns how many.
     */
    int release(String worker);

    /** Marks workers whose heartbeat is older than {@code staleBefore} lost; returns their names. */
    List<String> markLost(Instant staleBefore);

    List<Worker> workers();

    /** The recorded state of one worker, if it ever heartbeated. */
    Optional<WorkerState> workerState(String name);

    /** Stores a token's hash under {@code name}, replacing a revoked one; false when a live token has that name. */
    boolean createToken(String name, String hash, Instant now);

    /** Revokes the token; false when there is no live token of that name. */
    boolean revokeToken(String name, Instant now);

    /** The name of the live token with this hash. */
    Optional<String> tokenName(String hash);
}
