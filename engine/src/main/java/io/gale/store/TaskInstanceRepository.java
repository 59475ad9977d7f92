package io.gale.store;

import io.gale.core.DagRun;
import io.gale.core.RunKey;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Task instances and their state transitions. */
public interface TaskInstanceRepository {

    /** A task to create in state none. */
    record NewTask(String taskId, int maxTries, String operator) {
    }

    /**
     * Creates task instances of several runs at once: each run to the tasks to create; existing ones are kept.
     * No foreign key checks the runs (V19): the caller holds them locked in the same transaction.
     */
    void createMissing(Map<RunKey, List<NewTask>> tasks);

    List<TaskInstance> forRun(String dagId, String runId);

    /** The task instances of several runs of a DAG, in one query. */
    List<TaskInstance> forRuns(String dagId, Collection<String> runIds);

    Optional<TaskInstance> find(TaskKey key);

    /** How many task instances are in each state (states without any are absent), in one grouped query. */
    Map<TaskState, Integer> countByState();

    /** What planning needs of a task instance: its state and tries. */
    record Progress(TaskKey key, TaskState state, int tryNumber, int maxTries, Instant nextRetryAt) {
    }

    /** The progress of every task instance of several runs, in one query. */
    List<Progress> forRuns(Collection<DagRun> runs);

    /** The progress of task instances by key, in one query. */
    List<Progress> progress(Collection<TaskKey> keys);

    /** The process group a running try's operator started. */
    record ProcessGroup(TaskKey key, int tryNumber, long processGroup) {
    }

    /** Records the process groups of tries still running with that try number (others are ignored). */
    void setProcessGroups(Collection<ProcessGroup> groups);

    /** A try to start, with the queue it goes to and the pool slots it takes. */
    record Start(TaskKey key, int tryNumber, String queue, String pool, int poolSlots) {
        /** A try in the default queue taking one slot of the default pool. */
        public Start(TaskKey key, int tryNumber) {
            this(key, tryNumber, io.gale.api.Task.DEFAULT_QUEUE, io.gale.api.Task.DEFAULT_POOL, 1);
        }
    }

    /** What queued and running tries hold: task instances per DAG, and slots per pool. */
    record Active(Map<String, Integer> tasksByDag, Map<String, Integer> slotsByPool) {
    }

    /** Task instances running or queued per DAG and the pool slots they take per pool, in one grouped query. */
    Active active();

    /** Slots that queued and running tries take, per pool and state (queued or running). */
    Map<String, Map<TaskState, Integer>> poolUsage();

    /** A try's end. */
    record Finish(TaskKey key, int tryNumber, TaskState state, Instant end, Instant nextRetryAt) {
    }

    /** Starts tries: state running, their try number, start date, host, pid and scheduler; no end or retry time. */
    void markRunning(Collection<Start> starts, Instant now, String hostname, long pid, long schedulerId);

    /** Ends tries still running with that try number; returns the keys whose end was recorded. */
    List<TaskKey> finishTries(Collection<Finish> finishes);

    /** Sets the state of many task instances at once (skipped, upstream_failed, removed, none...). */
    void setStates(Map<TaskKey, TaskState> states, Instant now);

    /** Refreshes the heartbeat of every task this scheduler runs. */
    void heartbeat(long schedulerId, Instant now);

    /** Running task instances whose heartbeat is older than {@code staleBefore}, or run by one of {@code deadSchedulers}. */
    List<TaskInstance> zombies(Instant staleBefore, Collection<Long> deadSchedulers);

    /**
     * Moves tries still running with that try number to the scheduler job {@code schedulerId}
     * (its executor adopted them), heartbeating them at {@code now}; returns the keys moved.
     */
    List<TaskKey> adopt(Collection<Start> tries, long schedulerId, Instant now);

    /**
     * Resets task instances so they run again: state none (restarting while running), no retry
     * time; max_tries grows by their retries so each gets a full set of tries, as Airflow does.
     */
    int clear(String dagId, String runId, Collection<String> taskIds, int defaultRetries);
}
