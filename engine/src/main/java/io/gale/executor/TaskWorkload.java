package io.gale.executor;

import io.gale.api.Dag;
import io.gale.api.Task;
import io.gale.core.DagRun;
import io.gale.core.TaskKey;

/** One try of one task instance, handed to an executor. */
public record TaskWorkload(Dag dag, Task task, DagRun run, int tryNumber, int maxTries) {

    public TaskKey key() {
        return new TaskKey(run.dagId(), run.runId(), task.id());
    }
}
