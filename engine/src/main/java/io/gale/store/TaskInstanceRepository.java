package io.gale.store;

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

    /** Creates the task instances of a run that do not exist yet. */
    void createMissing(String dagId, String runId, Collection<NewTask> tasks);

    List<TaskInstance> forRun(String dagId, String runId);

    Optional<TaskInstance> find(TaskKey key);

    /** Task instances running or queued, per DAG (for max_active_tasks). */
    Map<String, Integer> countActiveByDag();

    /** Starts the next try: state running, try_number + 1, start date, host and pid, no end or retry time. */
    void markRunning(TaskKey key, int tryNumber, Instant now, String hostname, long pid);

    /** Ends a try: its final or up_for_retry state, end date, duration and retry time. */
    void finishTry(TaskKey key, TaskState state, Instant end, Instant nextRetryAt);

    /** Sets the state of task instances that do not run (skipped, upstream_failed, ...). */
    void setState(TaskKey key, TaskState state, Instant now);

    /**
     * Resets task instances so they run again: state none (restarting while running), no retry
     * time; max_tries grows by their retries so each gets a full set of tries, as Airflow does.
     */
    int clear(String dagId, String runId, Collection<String> taskIds, int defaultRetries);
}
