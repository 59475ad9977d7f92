package io.gale.operators;

import io.gale.api.Operator;
import io.gale.api.TaskContext;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Airflow's TriggerDagRunOperator: queues a manual run of another DAG with a conf computed from
 * this try (e.g. a model version pulled from XCom), and returns the new run's id. The default run id,
 * {@code triggered__<this dag>__<this run>}, makes a retried task find its run instead of starting
 * a second one. The triggered DAG starts when the scheduler sees it unpaused.
 */
public final class TriggerDagRunOperator implements Operator<String> {

    private final String dagId;
    private Function<TaskContext, Map<String, Object>> conf = ctx -> Map.of();
    private Function<TaskContext, String> runId = ctx -> "triggered__" + ctx.dagId() + "__" + ctx.runId();

    /** @param dagId the DAG to trigger */
    public TriggerDagRunOperator(String dagId) {
        this.dagId = Objects.requireNonNull(dagId, "dagId");
    }

    /** The conf of the triggered run, computed when the task runs. */
    public TriggerDagRunOperator conf(Function<TaskContext, Map<String, Object>> conf) {
        this.conf = Objects.requireNonNull(conf, "conf");
        return this;
    }

    /** The run id of the triggered run, computed when the task runs (null: {@code manual__<now>}). */
    public TriggerDagRunOperator runId(Function<TaskContext, String> runId) {
        this.runId = Objects.requireNonNull(runId, "runId");
        return this;
    }

    @Override
    public String execute(TaskContext ctx) {
        return ctx.triggerDagRun(dagId, runId.apply(ctx), conf.apply(ctx));
    }
}
