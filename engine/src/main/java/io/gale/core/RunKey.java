package io.gale.core;

/** Identifies a DAG run. */
public record RunKey(String dagId, String runId) {

    /** The run of a task instance. */
    public static RunKey of(TaskKey task) {
        return new RunKey(task.dagId(), task.runId());
    }

    /** The key of a run. */
    public static RunKey of(DagRun run) {
        return new RunKey(run.dagId(), run.runId());
    }

    @Override
    public String toString() {
        return dagId + "/" + runId;
    }
}
