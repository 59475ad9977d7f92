package io.gale.edge;

import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.core.TaskKey;
import io.gale.executor.TaskServices;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@link TaskServices} over the worker API, for tries on a remote worker (which holds no database
 * credentials): reads go to the API; a try's training curve, the runs it triggers and its model
 * registry calls name the try, and the API refuses them ({@link WorkerClient.TryNotHeldException})
 * once this worker no longer holds it. The API owns every change it makes.
 */
final class RemoteTaskServices implements TaskServices {

    /** How often a trigger is sent when the API cannot be reached (it is idempotent), and the pause before the second. */
    private static final int TRIGGER_ATTEMPTS = 3;
    private static final Duration TRIGGER_PAUSE = Duration.ofSeconds(1);

    private final WorkerClient api;

    RemoteTaskServices(WorkerClient api) {
        this.api = api;
    }

    @Override
    public Optional<String> xcom(TaskKey key, String xcomKey) {
        return api.xcom(key, xcomKey);
    }

    @Override
    public Optional<String> variable(String key) {
        return api.variable(key);
    }

    @Override
    public Optional<Connection> connection(String connId) {
        return api.connection(connId);
    }

    @Override
    public void recordEpoch(TaskKey key, int tryNumber, int epoch, Map<String, Double> metrics, double seconds) {
        if (!api.trainingEpoch(key, tryNumber, epoch, metrics, seconds)) {
            throw new WorkerClient.TryNotHeldException("worker '" + api.worker() + "' no longer holds try " + tryNumber + " of "
                    + key.dagId() + "." + key.taskId() + " (" + key.runId() + "): epoch " + epoch + " was not recorded");
        }
    }

    /** Sent again while the API cannot be reached (up to {@value #TRIGGER_ATTEMPTS} times): the API finds the run it queued. */
    @Override
    public Triggered triggerDagRun(TaskKey key, int tryNumber, String dagId, String runId, Map<String, Object> conf) {
        for (int attempt = 1; ; attempt++) {
            try {
                return api.triggerDagRun(key, tryNumber, dagId, runId, conf);
            } catch (WorkerClient.UnreachableException e) {
                if (attempt == TRIGGER_ATTEMPTS || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                try {
                    Thread.sleep(TRIGGER_PAUSE.toMillis() * attempt);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public ModelRegistry models(TaskKey key, int tryNumber) {
        return api.models(key, tryNumber);
    }
}
