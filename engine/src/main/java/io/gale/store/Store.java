package io.gale.store;

import io.gale.api.ModelRegistry;
import java.util.function.Consumer;
import java.util.function.Function;

/** All repositories over one database; {@link #transaction} gives a view whose writes commit together. */
public interface Store {

    DagRepository dags();

    DagRunRepository runs();

    TaskInstanceRepository taskInstances();

    XComRepository xcoms();

    TaskLogRepository logs();

    ImportErrorRepository importErrors();

    /** DAGs as the DAG processor serialized them. */
    SerializedDagRepository serializedDags();

    VariableRepository variables();

    ConnectionRepository connections();

    /** Pools and their slots. */
    PoolRepository pools();

    /** The edge executor's tries, workers and worker tokens. */
    EdgeRepository edge();

    SchedulerJobRepository schedulerJobs();

    BackfillRepository backfills();

    /** Users of the web server and the keys that sign their tokens. */
    UserRepository users();

    /** Task callbacks to deliver (the callback outbox). */
    CallbackOutboxRepository callbacks();

    /** Registered models and their versions. */
    ModelRegistry models();

    /** Training curves: metrics per epoch of training tasks. */
    TrainingMetricRepository trainingMetrics();

    /** Tells listening schedulers that something changed (a run was triggered, a DAG unpaused...). */
    void notifyChange();

    /** Runs {@code work} in one transaction on a store bound to it. */
    <T> T transaction(Function<Store, T> work);

    default void transact(Consumer<Store> work) {
        transaction(s -> {
            work.accept(s);
            return null;
        });
    }
}
