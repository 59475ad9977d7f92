package io.gale.core;

/** Identifies a DAG run. */
public record RunKey(String dagId, String runId) {

    /** The run of a task instance. */
    public static RunKey of(TaskKey task) {
        return new RunKey(task.dagId(), task.runId());
    }

    @Override
    public String toString() {
        return dagId + "/" + runId;
    }
}
