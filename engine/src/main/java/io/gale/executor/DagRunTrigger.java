package io.gale.executor;

import java.util.Map;

/**
 * How a task queues a run of another DAG ({@link io.gale.api.TaskContext#triggerDagRun}): the
 * executor only runs tasks, so the composition root hands it the operations API's trigger.
 */
@FunctionalInterface
public interface DagRunTrigger {

    /** Queues a manual run (or finds the existing run {@code runId}); returns its run id. */
    String trigger(String dagId, String runId, Map<String, Object> conf);

    /** For runners that cannot trigger runs: every trigger fails naming the DAG. */
    DagRunTrigger NONE = (dagId, runId, conf) -> {
        throw new IllegalStateException("cannot trigger DAG '" + dagId + "' from here: this task runner has no operations API");
    };
}
