package io.gale.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.client.Operations;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.NotFoundException;
import io.gale.core.TaskInstance;
import io.gale.core.TaskState;
import io.gale.store.XComRepository;
import io.gale.web.Problem;
import io.gale.web.WebServer;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** DAG runs, their task instances, tries, logs and XComs, and clearing. */
final class RunsApi {

    /** Airflow's "every DAG" / "every run" path value. */
    private static final String ANY = "~";

    private final Operations ops;

    RunsApi(Operations ops) {
        this.ops = ops;
    }

    // ---- DAG runs ---------------------------------------------------------------------------

    void list(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        List<DagRun> runs = runs(ctx.pathParam("dag_id"));
        List<String> states = Requests.listQuery(ctx, "state");
        List<String> types = Requests.listQuery(ctx, "run_type");
        Instant logicalGte = Requests.instantQuery(ctx, "logical_date_gte");
        Instant logicalLte = Requests.instantQuery(ctx, "logical_date_lte");
        String pattern = ctx.queryParam("run_id_pattern");
        List<Shapes.DagRunJson> all = runs.stream()
                .filter(r -> states.isEmpty() || states.contains(r.state().id()))
                .filter(r -> types.isEmpty() || types.contains(r.runType().id()))
                .filter(r -> logicalGte == null || r.logicalDate() != null && !r.logicalDate().isBefore(logicalGte))
                .filter(r -> logicalLte == null || r.logicalDate() != null && !r.logicalDate().isAfter(logicalLte))
                .filter(r -> pattern == null || DagsApi.like(r.runId(), pattern))
                .sorted(runOrder(Requests.listQuery(ctx, "order_by")))
                .map(Shapes::run).toList();
        ctx.json(new Shapes.DagRunCollection(page.of(all), all.size()));
    }

    /** {@code POST /dags/{dag_id}/dagRuns/list}: the same list with its filters in a body. */
    void batch(Context ctx) {
        Requests.Body body = Requests.body(ctx, true);
        List<DagRun> runs = new ArrayList<>();
        List<String> dagIds = body.strings("dag_ids");
        if (!ANY.equals(ctx.pathParam("dag_id"))) {
            runs.addAll(runs(ctx.pathParam("dag_id")));
        } else if (dagIds == null) {
            runs.addAll(runs(ANY));
        } else {
            for (String d : dagIds) {
                runs.addAll(ops.runs(d));
            }
        }
        List<String> states = body.strings("states");
        Instant gte = body.instant("logical_date_gte", false);
        Instant lte = body.instant("logical_date_lte", false);
        Integer limit = body.integer("page_limit", false);
        Integer offset = body.integer("page_offset", false);
        if (limit != null && limit < 0 || offset != null && offset < 0) {
            throw Problem.of("greater_than_equal", List.of("body", limit != null && limit < 0 ? "page_limit" : "page_offset"),
                    "Input should be greater than or equal to 0", limit != null && limit < 0 ? limit : offset);
        }
        String orderBy = body.string("order_by", false);
        List<Shapes.DagRunJson> all = runs.stream()
                .filter(r -> states == null || states.isEmpty() || states.contains(r.state().id()))
                .filter(r -> gte == null || r.logicalDate() != null && !r.logicalDate().isBefore(gte))
                .filter(r -> lte == null || r.logicalDate() != null && !r.logicalDate().isAfter(lte))
                .sorted(runOrder(orderBy == null ? List.of() : List.of(orderBy)))
                .map(Shapes::run).toList();
        Requests.Page page = new Requests.Page(Math.min(Requests.MAX_LIMIT, limit == null ? 100 : limit), offset == null ? 0 : offset);
        ctx.json(new Shapes.DagRunCollection(page.of(all), all.size()));
    }

    private static Comparator<DagRun> runOrder(List<String> orderBy) {
        return Lists.order(orderBy, "id", Map.of(
                "id", Lists.by(DagRun::id),
                "run_id", Lists.by(DagRun::runId),
                "dag_run_id", Lists.by(DagRun::runId),
                "dag_id", Lists.by(DagRun::dagId),
                "state", Lists.by(r -> r.state().id()),
                "logical_date", Lists.by(DagRun::logicalDate),
                "run_after", Lists.by(DagRun::logicalDate),
                "start_date", Lists.by(DagRun::startDate),
                "end_date", Lists.by(DagRun::endDate),
                "queued_at", Lists.by(DagRun::queuedAt)));
    }

    private List<DagRun> runs(String dagId) {
        if (!ANY.equals(dagId)) {
            return ops.runs(dagId);
        }
        List<DagRun> all = new ArrayList<>();
        ops.activeDags().forEach(d -> all.addAll(ops.runs(d.dagId())));
        return all;
    }

    void get(Context ctx) {
        ctx.json(Shapes.run(ops.run(ctx.pathParam("dag_id"), ctx.pathParam("dag_run_id"))));
    }

    void trigger(Context ctx) {
        String dagId = ctx.pathParam("dag_id");
        ops.dagRow(dagId);
        Requests.Body body = Requests.body(ctx, false);
        String runId = body.string("dag_run_id", false);
        Instant logical = body.instant("logical_date", false);
        Map<String, Object> conf = body.object("conf");
        if (body.has("data_interval_start") != body.has("data_interval_end")) {
            throw Problem.of("value_error", List.of("body"), "Value error, Either both data_interval_start and data_interval_end must be provided or both must be None", Map.of());
        }
        ops.checkConf(dagId, conf);
        if (runId != null && ops.store().runs().find(dagId, runId).isPresent()) {
            throw new io.gale.core.ConflictException("DAG run '" + runId + "' of DAG '" + dagId + "' already exists");
        }
        if (logical != null && ops.store().runs().findByLogicalDate(dagId, logical).isPresent()) {
            throw new io.gale.core.ConflictException("DAG '" + dagId + "' already has a run at logical date " + logical);
        }
        DagRun run = ops.trigger(dagId, conf, runId, logical);
        ctx.json(Shapes.run(run));
    }

    void patch(Context ctx) {
        String dagId = ctx.pathParam("dag_id");
        String runId = ctx.pathParam("dag_run_id");
        ops.run(dagId, runId);
        Requests.Body body = Requests.body(ctx, false);
        String state = body.oneOf("state", false, "queued", "success", "failed");
        if (body.has("note")) {
            throw new io.javalin.http.HttpResponseException(501, "Gale keeps no notes on DAG runs");
        }
        DagRun run = state == null ? ops.run(dagId, runId) : ops.setRunState(dagId, runId, DagRunState.of(state));
        ctx.json(Shapes.run(run));
    }

    /** {@code POST .../dagRuns/{id}/clear}: with {@code dry_run} (the default) the task instances it would clear, else the run. */
    void clearRun(Context ctx) {
        String dagId = ctx.pathParam("dag_id");
        String runId = ctx.pathParam("dag_run_id");
        DagRun run = ops.run(dagId, runId);
        Requests.Body body = Requests.body(ctx, true);
        boolean dryRun = !Boolean.FALSE.equals(body.bool("dry_run", false));
        boolean onlyFailed = Boolean.TRUE.equals(body.bool("only_failed", false));
        List<String> taskIds = ops.taskStates(dagId, runId).stream()
                .filter(ti -> !onlyFailed || ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED)
                .map(TaskInstance::taskId).toList();
        List<TaskInstance> cleared = taskIds.isEmpty() ? List.of() : ops.clear(dagId, exactly(taskIds), false, runId, dryRun);
        if (dryRun) {
            ctx.json(collection(cleared));
        } else {
            ctx.json(Shapes.run(ops.run(dagId, run.runId())));
        }
    }

    /**
     * {@code POST /dags/{dag_id}/clearTaskInstances}, with Airflow's defaults: {@code dry_run}
     * and {@code only_failed} true unless the body says false.
     */
    void clearTasks(Context ctx) {
        String dagId = ctx.pathParam("dag_id");
        ops.dagRow(dagId);
        Requests.Body body = Requests.body(ctx, true);
        boolean dryRun = !Boolean.FALSE.equals(body.bool("dry_run", false));
        String runId = body.string("dag_run_id", false);
        List<String> taskIds = body.taskIds("task_ids");
        boolean downstream = Boolean.TRUE.equals(body.bool("include_downstream", false));
        boolean onlyFailed = !Boolean.FALSE.equals(body.bool("only_failed", false)); // Airflow's default: true
        for (String unsupported : List.of("include_upstream", "include_future", "include_past", "only_running")) {
            if (Boolean.TRUE.equals(body.bool(unsupported, false))) {
                throw new io.javalin.http.HttpResponseException(501, "Gale does not support " + unsupported + " when clearing");
            }
        }
        if (runId != null) {
            ops.run(dagId, runId);
        }
        List<String> known = ops.dag(dagId).topologicalOrder();
        if (taskIds != null) {
            for (String t : taskIds) {
                if (!known.contains(t)) {
                    throw NotFoundException.task(dagId, t);
                }
            }
        }
        String regex = taskIds == null ? null : exactly(taskIds);
        if (onlyFailed) {
            List<DagRun> runs = runId == null ? ops.runs(dagId) : List.of(ops.run(dagId, runId));
            List<TaskInstance> cleared = new ArrayList<>();
            for (DagRun r : runs) {
                List<String> failed = ops.taskStates(dagId, r.runId()).stream()
                        .filter(ti -> ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED)
                        .filter(ti -> taskIds == null || taskIds.contains(ti.taskId()))
                        .map(TaskInstance::taskId).toList();
                if (!failed.isEmpty()) {
                    cleared.addAll(ops.clear(dagId, exactly(failed), downstream, r.runId(), dryRun));
                }
            }
            ctx.json(collection(cleared));
            return;
        }
        ctx.json(collection(taskIds != null && taskIds.isEmpty() ? List.of() : ops.clear(dagId, regex, downstream, runId, dryRun)));
    }

    private static String exactly(List<String> taskIds) {
        return "^(" + String.join("|", taskIds.stream().map(Pattern::quote).toList()) + ")$";
    }

    private Shapes.TaskInstanceCollection collection(List<TaskInstance> tis) {
        Map<String, DagRun> runs = new LinkedHashMap<>();
        List<Shapes.TaskInstanceJson> out = tis.stream()
                .map(ti -> Shapes.taskInstance(ti, runs.computeIfAbsent(ti.dagId() + "\u0000" + ti.runId(), k -> ops.run(ti.dagId(), ti.runId()))))
                .toList();
        return new Shapes.TaskInstanceCollection(out, out.size());
    }

    // ---- task instances ---------------------------------------------------------------------

    void taskInstances(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        String dagId = ctx.pathParam("dag_id");
        String runId = ctx.pathParam("dag_run_id");
        List<String> states = Requests.listQuery(ctx, "state");
        String taskId = ctx.queryParam("task_id");
        List<DagRun> runs = ANY.equals(runId) ? runs(dagId) : List.of(ops.run(dagId, runId));
        List<Shapes.TaskInstanceJson> all = new ArrayList<>();
        for (DagRun r : runs) {
            for (TaskInstance ti : ops.taskStates(r.dagId(), r.runId())) {
                String state = ti.state() == TaskState.NONE ? "no_status" : ti.state().id();
                if ((states.isEmpty() || states.contains(state)) && (taskId == null || taskId.equals(ti.taskId()))) {
                    all.add(Shapes.taskInstance(ti, r));
                }
            }
        }
        List<String> orderBy = Requests.listQuery(ctx, "order_by");
        if (!orderBy.isEmpty()) {
            all = all.stream().sorted(Lists.order(orderBy, "map_index", Map.of(
                    "map_index", Lists.by(Shapes.TaskInstanceJson::mapIndex),
                    "task_id", Lists.by(Shapes.TaskInstanceJson::taskId),
                    "state", Lists.by(Shapes.TaskInstanceJson::state),
                    "start_date", Lists.by(Shapes.TaskInstanceJson::startDate),
                    "end_date", Lists.by(Shapes.TaskInstanceJson::endDate),
                    "duration", Lists.by(Shapes.TaskInstanceJson::duration),
                    "try_number", Lists.by(Shapes.TaskInstanceJson::tryNumber)))).toList();
        }
        ctx.json(new Shapes.TaskInstanceCollection(page.of(all), all.size()));
    }

    void taskInstance(Context ctx) {
        requireUnmapped(ctx);
        TaskInstance ti = instance(ctx);
        ctx.json(Shapes.taskInstance(ti, ops.run(ti.dagId(), ti.runId())));
    }

    void tries(Context ctx) {
        requireUnmapped(ctx);
        TaskInstance ti = instance(ctx);
        List<Integer> numbers = new ArrayList<>(ops.store().logs().tries(ti.key()));
        if (ti.tryNumber() > 0 && !numbers.contains(ti.tryNumber())) {
            numbers.add(ti.tryNumber());
        }
        List<Shapes.TaskInstanceTry> tries = numbers.stream().sorted().map(n -> Shapes.attempt(ti, n)).toList();
        ctx.json(new Shapes.TaskInstanceTryCollection(tries, tries.size()));
    }

    void attempt(Context ctx) {
        requireUnmapped(ctx);
        TaskInstance ti = instance(ctx);
        int n = (int) Requests.longPath(ctx, "task_try_number");
        if (n < 1 || n > ti.tryNumber() && !ops.store().logs().tries(ti.key()).contains(n)) {
            throw new NotFoundException("task '" + ti.taskId() + "' in run '" + ti.runId() + "' has no try " + n);
        }
        ctx.json(Shapes.attempt(ti, n));
    }

    /**
     * {@code PATCH .../taskInstances/{task_id}} (and {@code .../dry_run}): marks the task instance
     * {@code new_state} (success, failed or skipped), with {@code include_upstream} and
     * {@code include_downstream} within its run; answers the task instances whose state changes.
     * {@code include_future}/{@code include_past} (other runs) are refused with 400 and a
     * {@code note} with 501: Gale keeps none.
     */
    void mark(Context ctx, boolean dryRun) {
        requireUnmapped(ctx);
        String dagId = ctx.pathParam("dag_id");
        String runId = ctx.pathParam("dag_run_id");
        Requests.Body body = Requests.body(ctx, false);
        String state = body.oneOf("new_state", false, TaskState.FAILED.id(), TaskState.SUCCESS.id(), TaskState.SKIPPED.id());
        boolean upstream = Boolean.TRUE.equals(body.bool("include_upstream", false));
        boolean downstream = Boolean.TRUE.equals(body.bool("include_downstream", false));
        if (Boolean.TRUE.equals(body.bool("include_future", false)) || Boolean.TRUE.equals(body.bool("include_past", false))) {
            throw new io.gale.core.BadRequestException("Gale marks task instances within one run: leave include_future and include_past false");
        }
        if (body.has("note")) {
            throw new io.javalin.http.HttpResponseException(501, "Gale keeps no notes on task instances");
        }
        if (state == null) {
            throw Problem.of("missing", List.of("body", "new_state"), "Field required: Gale only changes the state", body.node());
        }
        ctx.json(collection(ops.markTask(dagId, runId, ctx.pathParam("task_id"), TaskState.of(state), upstream, downstream, dryRun)));
    }

    private TaskInstance instance(Context ctx) {
        return ops.taskInstance(ctx.pathParam("dag_id"), ctx.pathParam("dag_run_id"), ctx.pathParam("task_id"));
    }

    /** Gale has no mapped tasks: only map index -1 exists. */
    private static void requireUnmapped(Context ctx) {
        String m = ctx.queryParam("map_index");
        if (m != null && !m.equals("-1")) {
            throw new NotFoundException("Gale has no mapped task instances: only map_index -1 exists");
        }
    }

    // ---- logs and XComs ---------------------------------------------------------------------

    void log(Context ctx) {
        requireUnmapped(ctx);
        TaskInstance ti = instance(ctx);
        int n = (int) Requests.longPath(ctx, "try_number");
        String text = ops.log(ti.dagId(), ti.runId(), ti.taskId(), n);
        String masked = Masking.of(ops).text(text);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/plain") && !accept.contains("application/json")) {
            ctx.contentType("text/plain; charset=utf-8").result(masked);
            return;
        }
        List<Shapes.LogLine> lines = masked.lines().map(Shapes.LogLine::new).toList();
        ctx.json(new Shapes.Log(lines, null));
    }

    void xcoms(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        TaskInstance ti = instance(ctx);
        DagRun run = ops.run(ti.dagId(), ti.runId());
        String key = ctx.queryParam("xcom_key");
        List<Shapes.XCom> all = ops.xcoms(ti.dagId(), ti.runId(), ti.taskId(), null).stream()
                .filter(e -> key == null || key.equals(e.key()))
                .map(e -> new Shapes.XCom(e.key(), e.timestamp(), run.logicalDate(), -1, ti.taskId(), ti.dagId(), ti.runId(),
                        ti.dagId(), ti.taskId(), Shapes.run(run).runAfter()))
                .toList();
        ctx.json(new Shapes.XComCollection(page.of(all), all.size()));
    }

    void xcom(Context ctx) {
        requireUnmapped(ctx);
        TaskInstance ti = instance(ctx);
        DagRun run = ops.run(ti.dagId(), ti.runId());
        XComRepository.Entry e = ops.xcoms(ti.dagId(), ti.runId(), ti.taskId(), ctx.pathParam("xcom_key")).get(0);
        JsonNode value;
        try {
            value = Masking.of(ops).json(WebServer.JSON.readTree(e.json()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            value = new com.fasterxml.jackson.databind.node.TextNode(Masking.of(ops).text(e.json()));
        }
        boolean stringify = Boolean.TRUE.equals(Requests.boolQuery(ctx, "stringify"));
        Object shown = stringify ? (value.isTextual() ? value.asText() : value.toString()) : value;
        ctx.json(new Shapes.XComValue(e.key(), e.timestamp(), run.logicalDate(), -1, ti.taskId(), ti.dagId(), ti.runId(),
                ti.dagId(), ti.taskId(), Shapes.run(run).runAfter(), shown));
    }
}
