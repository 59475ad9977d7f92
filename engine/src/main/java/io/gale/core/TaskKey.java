package io.gale.core;

/** Identifies a task instance. */
public record TaskKey(String dagId, String runId, String taskId) {

    @Override
    public String toString() {
        return dagId + "/" + runId + "/" + taskId;
    }
}
