package io.gale.core;

import java.time.Instant;

/**
 * One task of one DAG run, with its current (or last) try: where it ran ({@code hostname},
 * {@code pid} of the process running it, its {@code schedulerId} job, and {@code processGroup}, the
 * process group its operator started, if any) and when.
 */
public record TaskInstance(String dagId, String runId, String taskId, TaskState state, int tryNumber,
                           int maxTries, String operator, Instant startDate, Instant endDate, Double duration,
                           String hostname, Integer pid, Instant queuedAt, Instant nextRetryAt,
                           Instant heartbeatAt, Long schedulerId, Long processGroup) {

    public TaskKey key() {
        return new TaskKey(dagId, runId, taskId);
    }
}
