package io.gale.web.api;

import io.gale.client.Backfills;
import io.gale.client.Operations;
import io.gale.scheduler.SchedulableDag;
import io.gale.web.Problem;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code /backfills}: Gale's recorded backfills, created, listed and cancelled as Airflow 3's. */
final class BackfillsApi {

    private final Operations ops;

    BackfillsApi(Operations ops) {
        this.ops = ops;
    }

    void create(Context ctx) {
        Plan p = plan(ctx);
        if (p.plan.total() == 0) {
            throw new io.gale.core.ConflictException("No runs to create for DAG '" + p.dag.id() + "' between "
                    + p.plan.request().from() + " and " + p.plan.request().to() + ": every run in the range exists (reprocess_behavior decides what to rerun)");
        }
        long id = ops.backfills().start(p.dag, p.plan);
        ctx.json(shape(id));
    }

    private Shapes.Backfill shape(long id) {
        return Shapes.backfill(ops.backfill(id), ops.backfillPaused(id));
    }

    void dryRun(Context ctx) {
        Plan p = plan(ctx);
        List<Shapes.DryRunBackfill> runs = new java.util.ArrayList<>();
        p.plan.toCreate().forEach(i -> runs.add(new Shapes.DryRunBackfill(i.logicalDate())));
        p.plan.toReset().forEach(r -> runs.add(new Shapes.DryRunBackfill(r.logicalDate())));
        p.plan.toRerun().forEach(r -> runs.add(new Shapes.DryRunBackfill(r.logicalDate())));
        ctx.json(new Shapes.DryRunBackfillCollection(runs, runs.size()));
    }

    private record Plan(SchedulableDag dag, Backfills.Plan plan) {
    }

    private Plan plan(Context ctx) {
        Requests.Body body = Requests.body(ctx, false);
        String dagId = body.string("dag_id", true);
        Instant from = body.instant("from_date", true);
        Instant to = body.instant("to_date", true);
        String reprocess = body.oneOf("reprocess_behavior", false, "none", "failed", "completed");
        Integer maxActive = body.integer("max_active_runs", false);
        if (maxActive != null && maxActive < 1) {
            throw Problem.of("greater_than_equal", List.of("body", "max_active_runs"), "Input should be greater than or equal to 1", maxActive);
        }
        boolean backwards = Boolean.TRUE.equals(body.bool("run_backwards", false));
        Map<String, Object> conf = body.object("dag_run_conf");
        ops.checkConf(dagId, conf);
        SchedulableDag dag = ops.schedulable(dagId);
        var request = new Backfills.Request(dagId, from, to, "completed".equals(reprocess), "failed".equals(reprocess),
                backwards, conf == null ? Map.of() : conf, maxActive == null ? 10 : maxActive);
        return new Plan(dag, ops.backfills().plan(dag, request));
    }

    void list(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        String dagId = ctx.queryParam("dag_id");
        java.util.Set<Long> paused = ops.store().backfills().pausedIds();
        List<Shapes.Backfill> all = ops.backfillList(dagId).stream().map(b -> Shapes.backfill(b, paused.contains(b.id())))
                .sorted(Lists.order(Requests.listQuery(ctx, "order_by"), "id", Map.of(
                        "id", Lists.by(Shapes.Backfill::id),
                        "dag_id", Lists.by(Shapes.Backfill::dagId),
                        "created_at", Lists.by(Shapes.Backfill::createdAt),
                        "from_date", Lists.by(Shapes.Backfill::fromDate))))
                .toList();
        ctx.json(new Shapes.BackfillCollection(page.of(all), all.size()));
    }

    void get(Context ctx) {
        ctx.json(shape(Requests.longPath(ctx, "backfill_id")));
    }

    void cancel(Context ctx) {
        long id = Requests.longPath(ctx, "backfill_id");
        ops.cancelBackfill(id);
        ctx.json(shape(id));
    }

    /** Pausing keeps the backfill's queued runs queued; runs already running finish. A finished backfill is 409. */
    void pause(Context ctx) {
        setPaused(ctx, true);
    }

    void unpause(Context ctx) {
        setPaused(ctx, false);
    }

    private void setPaused(Context ctx, boolean paused) {
        long id = Requests.longPath(ctx, "backfill_id");
        if (ops.backfill(id).state() != io.gale.core.BackfillState.RUNNING) {
            throw new io.gale.core.ConflictException("backfill " + id + " has finished (" + ops.backfill(id).state().id() + "): there is nothing to " + (paused ? "pause" : "unpause"));
        }
        ops.pauseBackfill(id, paused);
        ctx.json(shape(id));
    }
}
