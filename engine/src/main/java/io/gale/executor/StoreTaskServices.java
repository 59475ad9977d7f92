package io.gale.executor;

import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.core.TaskKey;
import io.gale.store.Store;
import java.util.Map;
import java.util.Optional;

/**
 * {@link TaskServices} in the metadata database, for tries run in a process that holds the
 * database credentials (the local executor, {@code dags test}, the scheduler's callbacks). Runs
 * are queued through {@code trigger}, which the composition root takes from the operations API.
 */
public final class StoreTaskServices implements TaskServices {

    private final Store store;
    private final DagRunTrigger trigger;

    /** Tasks reach {@code store}; they cannot trigger runs of other DAGs. */
    public StoreTaskServices(Store store) {
        this(store, DagRunTrigger.NONE);
    }

    /** @param trigger how tasks queue runs of other DAGs */
    public StoreTaskServices(Store store, DagRunTrigger trigger) {
        this.store = store;
        this.trigger = trigger;
    }

    @Override
    public Optional<String> xcom(TaskKey key, String xcomKey) {
        return store.xcoms().get(key, xcomKey);
    }

    @Override
    public Optional<String> variable(String key) {
        return store.variables().get(key);
    }

    @Override
    public Optional<Connection> connection(String connId) {
        return store.connections().get(connId);
    }

    @Override
    public void recordEpoch(TaskKey key, int tryNumber, int epoch, Map<String, Double> metrics, double seconds) {
        store.trainingMetrics().record(key, tryNumber, epoch, metrics, seconds);
    }

    @Override
    public Triggered triggerDagRun(TaskKey key, int tryNumber, String dagId, String runId, Map<String, Object> conf) {
        if (runId != null && store.runs().find(dagId, runId).isPresent()) {
            return new Triggered(runId, false);
        }
        return new Triggered(trigger.trigger(dagId, runId, conf), true);
    }

    @Override
    public ModelRegistry models(TaskKey key, int tryNumber) {
        return store.models();
    }
}
