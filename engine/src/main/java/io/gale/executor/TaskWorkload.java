package io.gale.executor;

import io.gale.core.DagRun;
import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.core.TaskKey;

/** One try of one task instance, handed to an executor: which DAG version and task, and the run. */
public record TaskWorkload(SerializedDag dag, SerializedTask task, DagRun run, int tryNumber, int maxTries) {

    public TaskKey key() {
        return new TaskKey(run.dagId(), run.runId(), task.id());
    }
}
