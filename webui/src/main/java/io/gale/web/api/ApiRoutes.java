package io.gale.web.api;

import io.gale.cli.GaleCommand;
import io.gale.client.Operations;
import io.gale.web.Backend;
import io.gale.web.Routes;
import io.gale.web.auth.Permission;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Airflow 3's stable REST API, {@code /api/v2}, as far as Gale implements it: every route with
 * the permission it needs, in one table ({@link #table}). Airflow endpoints for features Gale
 * does not have (assets, plugins...) answer 501 in Airflow's error shape.
 */
public final class ApiRoutes implements Routes {

    /** One route: method, path (Javalin's {@code {param}} syntax), the permission it needs, and its handler. */
    public record Route(HandlerType method, String path, Permission permission, Handler handler) {
    }

    static final String BASE = "/api/v2";
    private static final List<String> UNSUPPORTED = List.of("assets", "plugins", "providers", "eventLogs", "jobs",
            "config", "dagWarnings", "dagStats", "dagSources", "dagTags", "parseDagFile", "auth");

    @Override
    public void addTo(Javalin app, Backend backend) {
        ClaimWaits waits = new ClaimWaits(backend.operations());
        app.events(e -> e.serverStopping(waits::close));
        for (Route r : table(backend.operations(), waits)) {
            app.addHttpHandler(r.method(), r.path(), r.handler(), r.permission());
        }
        for (String feature : UNSUPPORTED) {
            Handler notThere = ctx -> {
                throw new HttpResponseException(501, "Gale does not implement /api/v2/" + feature);
            };
            for (HandlerType m : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PATCH, HandlerType.PUT, HandlerType.DELETE)) {
                app.addHttpHandler(m, BASE + "/" + feature, notThere, Permission.READ);
                app.addHttpHandler(m, BASE + "/" + feature + "/<rest>", notThere, Permission.READ);
            }
        }
    }

    /** Every implemented route. */
    public static List<Route> table(Operations ops) {
        return table(ops, new ClaimWaits(ops));
    }

    private static List<Route> table(Operations ops, ClaimWaits waits) {
        DagsApi dags = new DagsApi(ops);
        RunsApi runs = new RunsApi(ops);
        BackfillsApi backfills = new BackfillsApi(ops);
        SettingsApi settings = new SettingsApi(ops);
        GaleApi gale = new GaleApi(ops);
        List<Route> t = new ArrayList<>();
        String dag = BASE + "/dags/{dag_id}";
        String run = dag + "/dagRuns/{dag_run_id}";
        String ti = run + "/taskInstances/{task_id}";
        t.add(new Route(HandlerType.GET, BASE + "/monitor/health", Permission.PUBLIC, ctx -> health(ctx, ops)));
        t.add(new Route(HandlerType.GET, BASE + "/version", Permission.PUBLIC,
                ctx -> ctx.json(new Shapes.Version(GaleCommand.galeVersion(), null))));
        t.add(new Route(HandlerType.GET, BASE + "/dags", Permission.READ, dags::list));
        t.add(new Route(HandlerType.GET, dag, Permission.READ, dags::get));
        t.add(new Route(HandlerType.PATCH, dag, Permission.OPERATE, dags::patch));
        t.add(new Route(HandlerType.GET, dag + "/details", Permission.READ, dags::details));
        t.add(new Route(HandlerType.GET, dag + "/tasks", Permission.READ, dags::tasks));
        t.add(new Route(HandlerType.GET, dag + "/tasks/{task_id}", Permission.READ, dags::task));
        t.add(new Route(HandlerType.GET, BASE + "/importErrors", Permission.READ, dags::importErrors));
        t.add(new Route(HandlerType.GET, dag + "/dagRuns", Permission.READ, runs::list));
        t.add(new Route(HandlerType.POST, dag + "/dagRuns", Permission.OPERATE, runs::trigger));
        t.add(new Route(HandlerType.POST, dag + "/dagRuns/list", Permission.READ, runs::batch));
        t.add(new Route(HandlerType.GET, run, Permission.READ, runs::get));
        t.add(new Route(HandlerType.PATCH, run, Permission.OPERATE, runs::patch));
        t.add(new Route(HandlerType.POST, run + "/clear", Permission.OPERATE, runs::clearRun));
        t.add(new Route(HandlerType.POST, dag + "/clearTaskInstances", Permission.OPERATE, runs::clearTasks));
        t.add(new Route(HandlerType.GET, run + "/taskInstances", Permission.READ, runs::taskInstances));
        t.add(new Route(HandlerType.GET, ti, Permission.READ, runs::taskInstance));
        t.add(new Route(HandlerType.PATCH, ti, Permission.OPERATE, ctx -> runs.mark(ctx, false)));
        t.add(new Route(HandlerType.PATCH, ti + "/dry_run", Permission.OPERATE, ctx -> runs.mark(ctx, true)));
        t.add(new Route(HandlerType.GET, ti + "/tries", Permission.READ, runs::tries));
        t.add(new Route(HandlerType.GET, ti + "/tries/{task_try_number}", Permission.READ, runs::attempt));
        t.add(new Route(HandlerType.GET, ti + "/logs/{try_number}", Permission.READ, runs::log));
        t.add(new Route(HandlerType.GET, ti + "/xcomEntries", Permission.READ, runs::xcoms));
        t.add(new Route(HandlerType.GET, ti + "/xcomEntries/{xcom_key}", Permission.READ, runs::xcom));
        t.add(new Route(HandlerType.GET, BASE + "/backfills", Permission.READ, backfills::list));
        t.add(new Route(HandlerType.POST, BASE + "/backfills", Permission.OPERATE, backfills::create));
        t.add(new Route(HandlerType.POST, BASE + "/backfills/dry_run", Permission.READ, backfills::dryRun));
        t.add(new Route(HandlerType.GET, BASE + "/backfills/{backfill_id}", Permission.READ, backfills::get));
        t.add(new Route(HandlerType.PUT, BASE + "/backfills/{backfill_id}/cancel", Permission.OPERATE, backfills::cancel));
        t.add(new Route(HandlerType.PUT, BASE + "/backfills/{backfill_id}/pause", Permission.OPERATE, backfills::pause));
        t.add(new Route(HandlerType.PUT, BASE + "/backfills/{backfill_id}/unpause", Permission.OPERATE, backfills::unpause));
        t.add(new Route(HandlerType.GET, BASE + "/variables", Permission.READ, settings::variables));
        t.add(new Route(HandlerType.POST, BASE + "/variables", Permission.OPERATE, settings::createVariable));
        t.add(new Route(HandlerType.GET, BASE + "/variables/{variable_key}", Permission.READ, settings::variable));
        t.add(new Route(HandlerType.PATCH, BASE + "/variables/{variable_key}", Permission.OPERATE, settings::updateVariable));
        t.add(new Route(HandlerType.DELETE, BASE + "/variables/{variable_key}", Permission.OPERATE, settings::deleteVariable));
        t.add(new Route(HandlerType.GET, BASE + "/connections", Permission.OPERATE, settings::connections));
        t.add(new Route(HandlerType.POST, BASE + "/connections", Permission.OPERATE, settings::createConnection));
        t.add(new Route(HandlerType.GET, BASE + "/connections/{connection_id}", Permission.OPERATE, settings::connection));
        t.add(new Route(HandlerType.PATCH, BASE + "/connections/{connection_id}", Permission.OPERATE, settings::updateConnection));
        t.add(new Route(HandlerType.DELETE, BASE + "/connections/{connection_id}", Permission.OPERATE, settings::deleteConnection));
        String model = BASE + "/gale/models/{model_name}";
        t.add(new Route(HandlerType.GET, model + "/versions", Permission.READ, gale::versions));
        t.add(new Route(HandlerType.GET, model + "/versions/{version}", Permission.READ, gale::version));
        t.add(new Route(HandlerType.DELETE, model + "/versions/{version}", Permission.OPERATE, gale::delete));
        t.add(new Route(HandlerType.GET, model + "/versions/{version}/metrics", Permission.READ, gale::metrics));
        t.add(new Route(HandlerType.POST, model + "/versions/{version}/promote", Permission.OPERATE, gale::promote));
        t.add(new Route(HandlerType.POST, model + "/rollback", Permission.OPERATE, gale::rollback));
        PoolsApi pools = new PoolsApi(ops);
        t.add(new Route(HandlerType.GET, BASE + "/pools", Permission.READ, pools::list));
        t.add(new Route(HandlerType.POST, BASE + "/pools", Permission.OPERATE, pools::create));
        t.add(new Route(HandlerType.GET, BASE + "/pools/{pool_name}", Permission.READ, pools::get));
        t.add(new Route(HandlerType.PATCH, BASE + "/pools/{pool_name}", Permission.OPERATE, pools::patch));
        t.add(new Route(HandlerType.DELETE, BASE + "/pools/{pool_name}", Permission.OPERATE, pools::delete));
        // remote workers authenticate with a worker token, checked by the handlers (not a user's JWT)
        WorkersApi workers = new WorkersApi(ops, waits);
        String worker = io.gale.edge.WorkerProtocol.BASE + "/{worker}";
        t.add(new Route(HandlerType.POST, worker + "/heartbeat", Permission.PUBLIC, workers::heartbeat));
        t.add(new Route(HandlerType.POST, worker + "/claim", Permission.PUBLIC, workers::claim));
        t.add(new Route(HandlerType.POST, worker + "/logs", Permission.PUBLIC, workers::logs));
        t.add(new Route(HandlerType.POST, worker + "/report", Permission.PUBLIC, workers::report));
        t.add(new Route(HandlerType.POST, worker + "/trainingMetrics", Permission.PUBLIC, workers::trainingMetrics));
        t.add(new Route(HandlerType.GET, worker + "/xcoms", Permission.PUBLIC, workers::xcom));
        t.add(new Route(HandlerType.GET, worker + "/variables/{key}", Permission.PUBLIC, workers::variable));
        t.add(new Route(HandlerType.GET, worker + "/connections/{conn_id}", Permission.PUBLIC, workers::connection));
        t.add(new Route(HandlerType.POST, worker + "/dagRuns", Permission.PUBLIC, workers::trigger));
        String workerModel = worker + "/models/{model_name}";
        t.add(new Route(HandlerType.GET, worker + "/models", Permission.PUBLIC, workers::modelNames));
        t.add(new Route(HandlerType.GET, workerModel + "/versions", Permission.PUBLIC, workers::modelVersions));
        t.add(new Route(HandlerType.POST, workerModel + "/versions", Permission.PUBLIC, workers::registerModel));
        t.add(new Route(HandlerType.GET, workerModel + "/versions/{version}", Permission.PUBLIC, workers::modelVersion));
        t.add(new Route(HandlerType.DELETE, workerModel + "/versions/{version}", Permission.PUBLIC, workers::deleteModel));
        t.add(new Route(HandlerType.POST, workerModel + "/versions/{version}/promote", Permission.PUBLIC, workers::promoteModel));
        t.add(new Route(HandlerType.GET, workerModel + "/production", Permission.PUBLIC, workers::productionModel));
        t.add(new Route(HandlerType.POST, workerModel + "/rollback", Permission.PUBLIC, workers::rollbackModel));
        return t;
    }

    /** Healthy when the database answers and a scheduler heartbeat is at most 30 s old. */
    private static void health(Context ctx, Operations ops) {
        String db = "healthy";
        String scheduler = "unhealthy";
        String beat = null;
        try {
            Instant latest = ops.schedulers().stream().map(j -> j.latestHeartbeat()).filter(java.util.Objects::nonNull)
                    .max(Instant::compareTo).orElse(null);
            if (latest != null) {
                beat = latest.toString();
                scheduler = Duration.between(latest, Instant.now()).compareTo(Duration.ofSeconds(30)) <= 0 ? "healthy" : "unhealthy";
            }
        } catch (RuntimeException e) {
            db = "unhealthy";
        }
        ctx.json(new Shapes.Health(new Shapes.Status(db), new Shapes.SchedulerStatus(scheduler, beat),
                new Shapes.TriggererStatus(null, null), new Shapes.DagProcessorStatus(null, null)));
    }
}
