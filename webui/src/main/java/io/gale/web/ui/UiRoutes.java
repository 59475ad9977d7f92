package io.gale.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gale.client.Operations;
import io.gale.core.BadRequestException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.GaleException;
import io.gale.core.NotFoundException;
import io.gale.core.Secrets;
import io.gale.core.SerializedDag;
import io.gale.core.TaskInstance;
import io.gale.store.StoredDag;
import io.gale.web.Backend;
import io.gale.web.Routes;
import io.gale.web.WebServer;
import io.gale.web.auth.Auth;
import io.gale.web.auth.Csrf;
import io.gale.web.auth.Permission;
import io.gale.web.auth.Principal;
import io.gale.web.ui.Views.DagRow;
import io.gale.web.ui.Views.Field;
import io.gale.web.ui.Views.Grid;
import io.gale.web.ui.Views.GridRow;
import io.gale.web.ui.Views.RunColumn;
import io.gale.web.ui.Views.Square;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The web UI's pages: {@code /login}, the DAG list {@code /dags} (toggle, tags, search, schedule,
 * next run, last runs, import errors), a DAG's page {@code /dags/{dag_id}} (grid, graph, runs
 * marked success or failed, trigger form), a task instance's page (each try's log, the XComs,
 * clear, mark success or failed), a DAG's backfills ({@link BackfillPages}) and a model's versions ({@link ModelPages}). Reading pages redirect to the login
 * form when nobody is signed in; the forms that change anything need the op role and the
 * session's CSRF token (both checked by {@link Auth#guard} before the handler runs).
 */
public final class UiRoutes implements Routes {

    /** Runs shown in a DAG's grid, newest first. */
    static final int GRID_RUNS = 25;
    /** Runs shown as squares per DAG in the list. */
    static final int LAST_RUNS = 5;
    /** DAGs per page of the list (Airflow's page size too). */
    static final int PAGE_SIZE = 25;
    private static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js";

    private final Pages pages = new Pages();

    @Override
    public void addTo(Javalin app, Backend backend) {
        Operations ops = backend.operations();
        app.get("/", ctx -> ctx.redirect("/dags", HttpStatus.SEE_OTHER), Permission.PUBLIC);
        app.get("/ui/static/htmx.min.js", ctx -> asset(ctx, HTMX, "text/javascript"), Permission.PUBLIC);
        app.get("/ui/static/gale.css", ctx -> asset(ctx, "io/gale/web/ui/gale.css", "text/css"), Permission.PUBLIC);
        app.get("/login", ctx -> {
            Map<String, Object> m = new HashMap<>();
            m.put("next", Optional.ofNullable(ctx.queryParam("next")).orElse("/dags"));
            m.put("error", ctx.queryParam("error") != null);
            m.put("user", null);
            m.put("title", "Sign in");
            ctx.html(pages.render("login", m));
        }, Permission.PUBLIC);
        app.get("/dags", ctx -> signedIn(ctx).ifPresent(who -> dagList(ctx, ops, who)), Permission.PUBLIC);
        app.exception(PageNotFound.class, (e, ctx) -> {
            Map<String, Object> m = new HashMap<>();
            m.put("title", "Not found");
            m.put("user", null);
            m.put("message", e.getMessage());
            ctx.status(HttpStatus.NOT_FOUND).html(pages.render("notfound", m));
        });
        app.post("/dags/{dag_id}/paused", ctx -> {
            String dagId = ctx.pathParam("dag_id");
            ops.setPaused(dagId, Boolean.parseBoolean(ctx.formParam("paused")));
            ctx.redirect(local(ctx.formParam("next"), "/dags"), HttpStatus.SEE_OTHER);
        }, Permission.OPERATE);
        app.get("/dags/{dag_id}", ctx -> signedIn(ctx).ifPresent(who -> page(() -> dagPage(ctx, ops, who))), Permission.PUBLIC);
        app.get("/dags/{dag_id}/grid", ctx -> signedIn(ctx).ifPresent(who -> {
            Map<String, Object> m = common(ctx, who, "grid");
            page(() -> m.put("grid", grid(ops, ops.dag(ctx.pathParam("dag_id")))));
            ctx.html(pages.fragment("dag", "grid", m));
        }), Permission.PUBLIC);
        app.post("/dags/{dag_id}/trigger", ctx -> trigger(ctx, ops), Permission.OPERATE);
        app.get("/dags/{dag_id}/code", ctx -> signedIn(ctx).ifPresent(who -> page(() -> {
            String dagId = ctx.pathParam("dag_id");
            SerializedDag dag = ops.dag(dagId);
            CodeView.Code code = CodeView.of(dag.fileloc(), ops.config().dagsFolder());
            Map<String, Object> m = common(ctx, who, "Code of " + dagId);
            m.put("dagId", dagId);
            m.put("dagHref", dagHref(dagId));
            m.put("fileloc", dag.fileloc());
            m.put("source", code.source());
            m.put("note", code.note());
            ctx.html(pages.render("code", m));
        })), Permission.PUBLIC);
        new BackfillPages(pages, ops).addTo(app);
        new ModelPages(pages, ops).addTo(app);
        app.get("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/logs", ctx -> signedIn(ctx).ifPresent(who -> page(() -> {
            Map<String, Object> m = taskModel(ctx, ops, who);
            ctx.html(pages.fragment("task", "logs", m));
        })), Permission.PUBLIC);
        app.post("/dags/{dag_id}/runs/{run_id}/state", ctx -> {
            String dagId = ctx.pathParam("dag_id");
            DagRunState state = switch (Optional.ofNullable(ctx.formParam("state")).orElse("")) {
                case "success" -> DagRunState.SUCCESS;
                case "failed" -> DagRunState.FAILED;
                default -> throw new BadRequestException("state must be success or failed: use the form's buttons");
            };
            ops.setRunState(dagId, ctx.pathParam("run_id"), state);
            ctx.redirect(dagHref(dagId), HttpStatus.SEE_OTHER);
        }, Permission.OPERATE);
        app.post("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/clear", ctx -> {
            String dagId = ctx.pathParam("dag_id");
            String runId = ctx.pathParam("run_id");
            String taskId = ctx.pathParam("task_id");
            ops.clear(dagId, "^" + java.util.regex.Pattern.quote(taskId) + "$", ctx.formParam("downstream") != null, runId, false);
            ctx.redirect(taskHref(dagId, runId, taskId), HttpStatus.SEE_OTHER);
        }, Permission.OPERATE);
        app.post("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/state", ctx -> {
            String dagId = ctx.pathParam("dag_id");
            String runId = ctx.pathParam("run_id");
            String taskId = ctx.pathParam("task_id");
            io.gale.core.TaskState state = switch (Optional.ofNullable(ctx.formParam("state")).orElse("")) {
                case "success" -> io.gale.core.TaskState.SUCCESS;
                case "failed" -> io.gale.core.TaskState.FAILED;
                default -> throw new BadRequestException("state must be success or failed: use the form's buttons");
            };
            ops.markTask(dagId, runId, taskId, state, false, ctx.formParam("downstream") != null, false);
            ctx.redirect(taskHref(dagId, runId, taskId), HttpStatus.SEE_OTHER);
        }, Permission.OPERATE);
        app.get("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}", ctx -> signedIn(ctx).ifPresent(who -> page(() -> taskPage(ctx, ops, who))),
                Permission.PUBLIC);
    }

    // ---- pages ------------------------------------------------------------------------------

    private void dagList(Context ctx, Operations ops, Principal who) {
        String search = Optional.ofNullable(ctx.queryParam("search")).orElse("").trim();
        Set<String> tags = new TreeSet<>(ctx.queryParams("tags"));
        tags.remove("");
        int page = Math.max(0, parseInt(ctx.queryParam("page")));
        List<StoredDag> all = ops.activeDags();
        Set<String> allTags = new TreeSet<>();
        all.forEach(d -> allTags.addAll(d.tags()));
        String needle = search.toLowerCase(Locale.ROOT);
        List<StoredDag> matching = all.stream()
                .filter(d -> needle.isEmpty() || d.dagId().toLowerCase(Locale.ROOT).contains(needle)
                        || d.description() != null && d.description().toLowerCase(Locale.ROOT).contains(needle))
                .filter(d -> tags.isEmpty() || d.tags().stream().anyMatch(tags::contains))
                .sorted(Comparator.comparing(StoredDag::dagId))
                .toList();
        List<StoredDag> shown = matching.stream().skip((long) page * PAGE_SIZE).limit(PAGE_SIZE).toList();
        Map<String, List<DagRun>> latest = ops.latestRuns(shown.stream().map(StoredDag::dagId).toList(), LAST_RUNS);
        List<DagRow> rows = shown.stream().map(d -> dagRow(ops, d, latest.getOrDefault(d.dagId(), List.of()))).toList();
        Map<String, Object> m = common(ctx, who, "DAGs");
        m.put("dags", rows);
        m.put("total", matching.size());
        m.put("search", search);
        m.put("tags", tags);
        m.put("allTags", allTags);
        m.put("importErrors", ops.importErrors());
        m.put("prev", page > 0 ? listHref(search, tags, page - 1) : null);
        m.put("next", (long) (page + 1) * PAGE_SIZE < matching.size() ? listHref(search, tags, page + 1) : null);
        m.put("here", ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString());
        ctx.html(pages.render("dags", m));
    }

    private static DagRow dagRow(Operations ops, StoredDag d, List<DagRun> latest) {
        String nextZoned = "–";
        String nextUtc = "–";
        if (d.schedule() != null) {
            try {
                var next = ops.nextRun(d);
                if (next.isPresent()) {
                    nextZoned = Views.zoned(next.get().runAfter(), d.timezone());
                    nextUtc = Views.utc(next.get().runAfter());
                }
            } catch (GaleException e) {
                nextZoned = "none";
            }
        }
        List<Square> last = latest.stream().limit(LAST_RUNS)
                .map(r -> new Square(Views.css(r.state()), runTitle(r), dagHref(d.dagId())))
                .toList();
        return new DagRow(d.dagId(), dagHref(d.dagId()), d.description(), d.paused(), d.tags(), d.schedule(),
                ScheduleWords.of(d.schedule()), nextZoned, nextUtc, last);
    }

    private void dagPage(Context ctx, Operations ops, Principal who) {
        String dagId = ctx.pathParam("dag_id");
        StoredDag row = ops.dagRow(dagId);
        SerializedDag dag = ops.dag(dagId);
        Map<String, Object> m = common(ctx, who, dagId);
        m.put("dag", dag);
        m.put("dagId", dagId);
        m.put("href", dagHref(dagId));
        m.put("paused", row.paused());
        m.put("scheduleWords", ScheduleWords.of(dag.schedule()));
        m.put("schedule", dag.scheduleText());
        m.put("grid", grid(ops, dag));
        m.put("fields", fields(dag));
        m.put("error", ctx.queryParam("error"));
        ctx.html(pages.render("dag", m));
    }

    private static Grid grid(Operations ops, SerializedDag dag) {
        // one query each for the runs, their task instances and the secrets to mask: not one per run
        List<DagRun> runs = ops.latestRuns(List.of(dag.dagId()), GRID_RUNS).getOrDefault(dag.dagId(), List.of());
        String[] secrets = ops.secretValues().toArray(String[]::new);
        List<RunColumn> columns = new ArrayList<>();
        Map<String, Map<String, TaskInstance>> byRun = new HashMap<>();
        boolean active = false;
        for (DagRun r : runs) {
            active |= r.state() == DagRunState.QUEUED || r.state() == DagRunState.RUNNING;
            columns.add(new RunColumn(r.runId(), dagHref(dag.dagId()) + "/runs/" + Views.segment(r.runId()), Views.css(r.state()), runTitle(r), Views.utc(r.logicalDate()),
                    Secrets.mask(json(r.conf()), secrets), r.runType().name().toLowerCase(Locale.ROOT),
                    Views.utc(r.dataIntervalStart()) + " to " + Views.utc(r.dataIntervalEnd())));
            byRun.put(r.runId(), new HashMap<>());
        }
        ops.store().taskInstances().forRuns(dag.dagId(), byRun.keySet()).forEach(t -> byRun.get(t.runId()).put(t.taskId(), t));
        List<GridRow> rows = new ArrayList<>();
        for (String taskId : dag.topologicalOrder()) {
            List<Square> cells = new ArrayList<>();
            for (DagRun r : runs) {
                TaskInstance t = byRun.get(r.runId()).get(taskId);
                String href = taskHref(dag.dagId(), r.runId(), taskId);
                if (t == null) {
                    cells.add(new Square("none", taskId + " in " + r.runId() + ": no task instance yet", href));
                } else {
                    cells.add(new Square(Views.css(t.state()), taskId + " in " + r.runId() + ": " + Views.css(t.state())
                            + ", try " + t.tryNumber() + "\nstarted " + Views.utc(t.startDate()) + "\nended " + Views.utc(t.endDate())
                            + "\nduration " + Views.duration(t.startDate(), t.endDate()), href));
                }
            }
            rows.add(new GridRow(taskId, cells));
        }
        DagRun latest = runs.isEmpty() ? null : runs.get(0);
        GraphLayout.Graph graph = GraphLayout.of(dag, taskId -> {
            TaskInstance t = latest == null ? null : byRun.get(latest.runId()).get(taskId);
            return t == null ? "none" : Views.css(t.state());
        }, taskId -> latest == null ? dagHref(dag.dagId()) : taskHref(dag.dagId(), latest.runId(), taskId));
        return new Grid(dag.dagId(), dagHref(dag.dagId()), columns, rows, active, graph);
    }

    private static List<Field> fields(SerializedDag dag) {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        for (var e : dag.params().entrySet()) {
            String type = dag.paramTypes().getOrDefault(e.getKey(), "null");
            Object v = e.getValue();
            String inputType = switch (type) {
                case "integer", "number" -> "number";
                case "boolean" -> "checkbox";
                case "string" -> "text";
                default -> "json";
            };
            String value = v == null ? "" : type.equals("string") || type.equals("integer") || type.equals("number") ? v.toString() : json(v);
            fields.add(new Field(e.getKey(), "param-" + i++, type, inputType, value, Boolean.TRUE.equals(v)));
        }
        return fields;
    }

    private void trigger(Context ctx, Operations ops) {
        String dagId = ctx.pathParam("dag_id");
        SerializedDag dag = ops.dag(dagId);
        Map<String, Object> conf = new LinkedHashMap<>();
        try {
            for (var e : dag.params().entrySet()) {
                String name = e.getKey();
                String type = dag.paramTypes().getOrDefault(name, "null");
                String given = ctx.formParam("param." + name);
                if (type.equals("boolean")) {
                    conf.put(name, given != null);
                } else if (given != null && !(given.isBlank() && !type.equals("string"))) {
                    conf.put(name, value(name, type, given));
                }
            }
            String extra = ctx.formParam("conf_json");
            if (extra != null && !extra.isBlank()) {
                com.fasterxml.jackson.databind.JsonNode node;
                try {
                    node = WebServer.JSON.readTree(extra);
                } catch (IOException e) {
                    throw new BadRequestException("the extra conf is not JSON: give an object like {\"key\": \"value\"}");
                }
                if (node == null || !node.isObject()) {
                    throw new BadRequestException("the extra conf must be a JSON object like {\"key\": \"value\"}");
                }
                conf.putAll(WebServer.JSON.convertValue(node, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
            }
            ops.checkConf(dagId, conf);
        } catch (BadRequestException e) {
            ctx.redirect(dagHref(dagId) + "?error=" + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
            return;
        }
        ops.trigger(dagId, conf, null, null);
        ctx.redirect(dagHref(dagId), HttpStatus.SEE_OTHER);
    }

    private static Object value(String name, String type, String text) {
        try {
            return switch (type) {
                case "integer" -> Long.parseLong(text.trim());
                case "number" -> Double.parseDouble(text.trim());
                case "string" -> text;
                default -> WebServer.JSON.readValue(text, Object.class);
            };
        } catch (NumberFormatException | IOException e) {
            throw new BadRequestException("param '" + name + "' must be " + (type.equals("integer") ? "an " : "a ") + type
                    + ", got '" + io.gale.core.Text.abbreviate(text, 40) + "': correct it in the form");
        }
    }

    private void taskPage(Context ctx, Operations ops, Principal who) {
        ctx.html(pages.render("task", taskModel(ctx, ops, who)));
    }

    private static Map<String, Object> taskModel(Context ctx, Operations ops, Principal who) {
        String dagId = ctx.pathParam("dag_id");
        String runId = ctx.pathParam("run_id");
        String taskId = ctx.pathParam("task_id");
        DagRun run = ops.run(dagId, runId);
        TaskInstance ti = ops.taskStates(dagId, runId).stream().filter(t -> t.taskId().equals(taskId)).findFirst()
                .orElseThrow(() -> NotFoundException.task(dagId, taskId));
        List<Views.TryLog> logs = new ArrayList<>();
        for (int n : ops.store().logs().tries(ti.key())) {
            logs.add(new Views.TryLog(n, masked(ops, ops.log(dagId, runId, taskId, n))));
        }
        List<Views.XComView> xcoms = ops.xcoms(dagId, runId, taskId, null).stream()
                .map(e -> new Views.XComView(e.key(), masked(ops, prettyMasked(e.json())))).toList();
        Map<String, Object> m = common(ctx, who, taskId + " in " + runId);
        m.put("dagId", dagId);
        m.put("dagHref", dagHref(dagId));
        m.put("runId", runId);
        m.put("taskId", taskId);
        m.put("taskHref", taskHref(dagId, runId, taskId));
        m.put("state", Views.css(ti.state()));
        m.put("started", Views.utc(ti.startDate()));
        m.put("ended", Views.utc(ti.endDate()));
        m.put("duration", Views.duration(ti.startDate(), ti.endDate()));
        m.put("tryNumber", ti.tryNumber());
        m.put("maxTries", ti.maxTries());
        m.put("runConf", masked(ops, json(run.conf())));
        m.put("logs", logs);
        m.put("xcoms", xcoms);
        m.put("running", !ti.state().finished());
        return m;
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** A page's unknown DAG, run or task: answered with an HTML page (the API answers JSON). */
    public static final class PageNotFound extends RuntimeException {
        PageNotFound(String message) {
            super(message);
        }
    }

    static void page(Runnable render) {
        try {
            render.run();
        } catch (NotFoundException e) {
            throw new PageNotFound(e.getMessage());
        }
    }

    /** The signed-in user, or empty after redirecting the browser to the login form. */
    static Optional<Principal> signedIn(Context ctx) {
        Optional<Principal> who = Auth.principal(ctx);
        if (who.isEmpty()) {
            String here = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
            ctx.redirect("/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
        }
        return who;
    }

    static Map<String, Object> common(Context ctx, Principal who, String title) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", title);
        m.put("user", who.username());
        m.put("role", who.role().id());
        m.put("canOperate", Permission.OPERATE.allows(who.role()));
        m.put("csrf", Csrf.token(ctx));
        return m;
    }

    private static String local(String next, String otherwise) {
        return next != null && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
                && !next.contains("\r") && !next.contains("\n") ? next : otherwise;
    }

    private static String listHref(String search, Set<String> tags, int page) {
        StringBuilder b = new StringBuilder("/dags?page=").append(page);
        if (!search.isEmpty()) {
            b.append("&search=").append(URLEncoder.encode(search, StandardCharsets.UTF_8));
        }
        tags.forEach(t -> b.append("&tags=").append(URLEncoder.encode(t, StandardCharsets.UTF_8)));
        return b.toString();
    }

    static String dagHref(String dagId) {
        return "/dags/" + Views.segment(dagId);
    }

    static String taskHref(String dagId, String runId, String taskId) {
        return dagHref(dagId) + "/runs/" + Views.segment(runId) + "/tasks/" + Views.segment(taskId);
    }

    private static String runTitle(DagRun r) {
        return r.runId() + ": " + Views.css(r.state()) + "\nlogical date " + Views.utc(r.logicalDate())
                + "\nstarted " + Views.utc(r.startDate()) + "\nended " + Views.utc(r.endDate())
                + "\nduration " + Views.duration(r.startDate(), r.endDate());
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String json(Object v) {
        try {
            return WebServer.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String masked(Operations ops, String text) {
        return Secrets.mask(text, ops.secretValues().toArray(String[]::new));
    }

    /** Stored XCom JSON, pretty-printed, with fields named like secrets masked. */
    private static String prettyMasked(String stored) {
        try {
            return json(maskFields(WebServer.JSON.readTree(stored)));
        } catch (IOException e) {
            return stored;
        }
    }

    private static JsonNode maskFields(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode copy = o.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                var f = it.next();
                copy.set(f.getKey(), Operations.isSensitiveName(f.getKey()) && !f.getValue().isContainerNode()
                        ? new TextNode(Secrets.MASK) : maskFields(f.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode copy = a.arrayNode();
            a.forEach(e -> copy.add(maskFields(e)));
            return copy;
        }
        return node;
    }

    private static void asset(Context ctx, String resource, String type) {
        InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new NotFoundException("asset " + resource + " is missing from the jar: rebuild gale");
        }
        ctx.header("Cache-Control", "public, max-age=3600").contentType(type + "; charset=utf-8").result(in);
    }
}
