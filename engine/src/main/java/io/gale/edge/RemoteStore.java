package io.gale.edge;

import io.gale.api.ModelRegistry;
import io.gale.core.TaskKey;
import io.gale.store.BackfillRepository;
import io.gale.store.ConnectionRepository;
import io.gale.store.DagRepository;
import io.gale.store.DagRunRepository;
import io.gale.store.EdgeRepository;
import io.gale.store.ImportErrorRepository;
import io.gale.store.PoolRepository;
import io.gale.store.SchedulerJobRepository;
import io.gale.store.SerializedDagRepository;
import io.gale.store.Store;
import io.gale.store.TaskInstanceRepository;
import io.gale.store.TaskLogRepository;
import io.gale.store.TrainingMetricRepository;
import io.gale.store.UserRepository;
import io.gale.store.VariableRepository;
import io.gale.store.XComRepository;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;

/**
 * What a task on a remote worker reads of the metadata, over the worker API (workers hold no
 * database credentials): XCom values, variables, connections and DAG runs. Anything else a task
 * cannot do on a remote worker, and says so.
 */
final class RemoteStore implements Store {

    private final WorkerClient api;

    RemoteStore(WorkerClient api) {
        this.api = api;
    }

    /** A repository whose {@code handled} method goes to {@code call}; every other method says it is not available here. */
    @SuppressWarnings("unchecked")
    private static <T> T only(Class<T> type, String handled, Function<Object[], Object> call) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args, type);
            }
            if (method.getName().equals(handled)) {
                return call.apply(args);
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName()
                    + " is not available to tasks on a remote worker (only XComs, variables, connections and runs are read over the API)");
        };
        return (T) Proxy.newProxyInstance(RemoteStore.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, Class<?> type) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "remote " + type.getSimpleName();
        };
    }

    private static <T> T none(Class<T> type) {
        return only(type, "\u0000", args -> null);
    }

    @Override
    public TrainingMetricRepository trainingMetrics() {
        return only(TrainingMetricRepository.class, "record", args -> {
            api.trainingEpoch((TaskKey) args[0], (Integer) args[1], (Integer) args[2], castMetrics(args[3]), (Double) args[4]);
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Double> castMetrics(Object metrics) {
        return (java.util.Map<String, Double>) metrics;
    }

    @Override
    public XComRepository xcoms() {
        return only(XComRepository.class, "get", args -> api.xcom((TaskKey) args[0], (String) args[1]));
    }

    @Override
    public VariableRepository variables() {
        return only(VariableRepository.class, "get", args -> api.variable((String) args[0]));
    }

    @Override
    public ConnectionRepository connections() {
        return only(ConnectionRepository.class, "get", args -> api.connection((String) args[0]));
    }

    @Override
    public DagRunRepository runs() {
        return only(DagRunRepository.class, "find", args -> api.run((String) args[0], (String) args[1]));
    }

    @Override
    public DagRepository dags() {
        return none(DagRepository.class);
    }

    @Override
    public TaskInstanceRepository taskInstances() {
        return none(TaskInstanceRepository.class);
    }

    @Override
    public TaskLogRepository logs() {
        return none(TaskLogRepository.class);
    }

    @Override
    public ImportErrorRepository importErrors() {
        return none(ImportErrorRepository.class);
    }

    @Override
    public SerializedDagRepository serializedDags() {
        return none(SerializedDagRepository.class);
    }

    @Override
    public PoolRepository pools() {
        return none(PoolRepository.class);
    }

    @Override
    public EdgeRepository edge() {
        return none(EdgeRepository.class);
    }

    @Override
    public SchedulerJobRepository schedulerJobs() {
        return none(SchedulerJobRepository.class);
    }

    @Override
    public BackfillRepository backfills() {
        return none(BackfillRepository.class);
    }

    @Override
    public UserRepository users() {
        return none(UserRepository.class);
    }

    @Override
    public io.gale.store.CallbackOutboxRepository callbacks() {
        return none(io.gale.store.CallbackOutboxRepository.class);
    }

    @Override
    public ModelRegistry models() {
        return none(ModelRegistry.class);
    }

    @Override
    public void notifyChange() {
        // nothing to notify: the API does when a report arrives
    }

    @Override
    public <T> T transaction(Function<Store, T> work) {
        return work.apply(this);
    }
}
