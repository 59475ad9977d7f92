package io.gale.executor;

import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.core.TaskKey;
import java.util.Map;
import java.util.Optional;

/**
 * What a running task reaches beyond its own try: XComs of other tasks, variables, connections,
 * its training curve, runs of other DAGs it triggers and the model registry. Tries in the
 * scheduler's process reach them in the database ({@link StoreTaskServices}); tries on remote
 * workers over the worker API ({@code io.gale.edge.RemoteTaskServices}), which refuses a try the
 * worker no longer holds. {@code key} and {@code tryNumber} always name the try that asks.
 */
public interface TaskServices {

    /** A trigger's run id, and whether this call queued it ({@code false}: the run existed already). */
    record Triggered(String runId, boolean created) {
    }

    /** An XCom value as JSON, if task {@code key} pushed one under {@code xcomKey}. */
    Optional<String> xcom(TaskKey key, String xcomKey);

    /** A variable in the metadata database (the environment is the caller's to check first). */
    Optional<String> variable(String key);

    /** A connection in the metadata database (the environment is the caller's to check first). */
    Optional<Connection> connection(String connId);

    /** Records an epoch of the try's training curve at once (an epoch reported again replaces it). */
    void recordEpoch(TaskKey key, int tryNumber, int epoch, Map<String, Double> metrics, double seconds);

    /**
     * Queues a manual run of {@code dagId} for the scheduler, unless its run {@code runId} exists
     * already (then it is left as it is).
     *
     * @param runId the run id, or null for one chosen here
     * @throws IllegalArgumentException when the DAG is unknown or the run id is invalid
     */
    Triggered triggerDagRun(TaskKey key, int tryNumber, String dagId, String runId, Map<String, Object> conf);

    /** The model registry as the try sees it. */
    ModelRegistry models(TaskKey key, int tryNumber);
}
