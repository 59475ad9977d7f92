package io.gale.web.api;

import io.gale.client.Operations;
import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.store.DagRepository;
import io.gale.store.ImportErrorRepository;
import io.gale.store.StoredDag;
import io.gale.web.WebServer;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code /dags}, {@code /dags/{dag_id}}, {@code /dags/{dag_id}/details}, {@code /dags/{dag_id}/tasks}, {@code /importErrors}. */
final class DagsApi {

    private final Operations ops;

    DagsApi(Operations ops) {
        this.ops = ops;
    }

    void list(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        List<String> tags = Requests.listQuery(ctx, "tags");
        boolean allTags = "all".equals(ctx.queryParam("tags_match_mode"));
        String pattern = ctx.queryParam("dag_id_pattern");
        Boolean paused = Requests.boolQuery(ctx, "paused");
        Boolean hasErrors = Requests.boolQuery(ctx, "has_import_errors");
        Comparator<Shapes.Dag> order = Lists.order(Requests.listQuery(ctx, "order_by"), "dag_id", Map.of(
                "dag_id", Lists.by(Shapes.Dag::dagId),
                "dag_display_name", Lists.by(Shapes.Dag::dagDisplayName),
                "last_parsed_time", Lists.by(Shapes.Dag::lastParsedTime),
                "is_paused", Lists.by(Shapes.Dag::isPaused),
                "fileloc", Lists.by(Shapes.Dag::fileloc)));
        Set<String> errorFiles = errorFiles();
        if (hasErrors == null) {
            // the common case: filtered, ordered and cut by the database, one page of rows read
            var result = ops.dagPage(new DagRepository.Query(tags, allTags, pattern, paused, columns(Requests.listQuery(ctx, "order_by")),
                    page.limit(), page.offset()));
            ctx.json(new Shapes.DagCollection(result.dags().stream().map(d -> Shapes.dag(d, errorFiles.contains(d.fileloc()))).toList(),
                    result.total()));
            return;
        }
        List<Shapes.Dag> all = ops.activeDags().stream()
                .filter(d -> tags.isEmpty() || (allTags ? d.tags().containsAll(tags) : d.tags().stream().anyMatch(tags::contains)))
                .filter(d -> pattern == null || like(d.dagId(), pattern))
                .filter(d -> paused == null || d.paused() == paused)
                .map(d -> Shapes.dag(d, errorFiles.contains(d.fileloc())))
                .filter(d -> d.hasImportErrors() == hasErrors)
                .sorted(order)
                .toList();
        ctx.json(new Shapes.DagCollection(page.of(all), all.size()));
    }

    /** The list's {@code order_by} keys as the database's columns (the same names {@link Lists#order} accepts here). */
    private static final Map<String, DagRepository.Column> COLUMNS = Map.of("dag_id", DagRepository.Column.DAG_ID,
            "dag_display_name", DagRepository.Column.DAG_ID, "last_parsed_time", DagRepository.Column.LAST_PARSED_AT,
            "is_paused", DagRepository.Column.IS_PAUSED, "fileloc", DagRepository.Column.FILELOC);

    private static List<DagRepository.Order> columns(List<String> orderBy) {
        List<DagRepository.Order> out = new java.util.ArrayList<>();
        for (String key : orderBy) {
            boolean descending = key.startsWith("-");
            String name = descending ? key.substring(1) : key;
            DagRepository.Column c = COLUMNS.get(name);
            if (c == null) {
                throw new io.gale.core.BadRequestException("Ordering with '" + name + "' is disallowed or the attribute does not exist on the model: use one of "
                        + String.join(", ", new java.util.TreeSet<>(COLUMNS.keySet())));
            }
            out.add(new DagRepository.Order(c, descending));
        }
        return out;
    }

    /** Airflow's {@code _pattern} filters: SQL LIKE, case-insensitive, matching anywhere ({@code %} and {@code _} are wildcards). */
    static boolean like(String value, String pattern) {
        StringBuilder regex = new StringBuilder("(?is).*");
        for (char c : pattern.toCharArray()) {
            regex.append(c == '%' ? ".*" : c == '_' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return value != null && value.matches(regex.append(".*").toString());
    }

    void get(Context ctx) {
        ctx.json(dag(ctx.pathParam("dag_id")));
    }

    private Shapes.Dag dag(String dagId) {
        StoredDag d = ops.dagRow(dagId);
        io.gale.schedule.DagRunInfo next;
        try {
            next = ops.nextRun(d).orElse(null);
        } catch (io.gale.core.GaleException e) {
            next = null; // no schedule, or a schedule that no longer parses: no next run to show
        }
        return Shapes.dag(d, errorFiles().contains(d.fileloc()), next);
    }

    void patch(Context ctx) {
        String dagId = ctx.pathParam("dag_id");
        ops.dagRow(dagId);
        Requests.Body body = Requests.body(ctx, false);
        List<String> mask = Requests.listQuery(ctx, "update_mask");
        if (!mask.isEmpty() && !mask.equals(List.of("is_paused"))) {
            throw new io.gale.core.BadRequestException("Only `is_paused` field can be updated through the REST API");
        }
        ops.setPaused(dagId, body.bool("is_paused", true));
        ctx.json(dag(dagId));
    }

    void details(Context ctx) {
        String dagId = ctx.pathParam("dag_id");
        Shapes.Dag base = dag(dagId);
        SerializedDag s = ops.dag(dagId);
        Map<String, Object> out = WebServer.JSON.convertValue(base, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        out.put("catchup", s.catchup());
        out.put("concurrency", s.maxActiveTasks());
        out.put("render_template_as_native_obj", false);
        out.put("start_date", s.startDate() == null ? null : s.startDate().toString());
        out.put("end_date", s.endDate() == null ? null : s.endDate().toString());
        out.put("timezone", s.timezone());
        out.put("is_paused_upon_creation", null);
        out.put("doc_md", null);
        out.put("dag_run_timeout", null);
        out.put("template_search_path", null);
        out.put("default_args", Map.of());
        out.put("owner_links", null);
        out.put("last_parsed", out.get("last_parsed_time"));
        out.put("active_runs_count", (int) ops.runs(dagId).stream().filter(r -> !r.state().finished()).count());
        Map<String, Object> params = new LinkedHashMap<>();
        s.params().forEach((k, v) -> params.put(k, Map.of("__class", "airflow.sdk.definitions.param.Param", "value",
                v == null ? "" : v, "description", "", "schema", Map.of("type", s.paramTypes().getOrDefault(k, "null")))));
        out.put("params", params);
        out.put("is_favorite", false);
        ctx.json(out);
    }

    void tasks(Context ctx) {
        SerializedDag s = ops.dag(ctx.pathParam("dag_id"));
        String orderBy = ctx.queryParam("order_by");
        Comparator<Shapes.Task> order = Lists.order(orderBy == null ? List.of() : List.of(orderBy), "task_id", Map.of(
                "task_id", Lists.by(Shapes.Task::taskId),
                "operator_name", Lists.by(Shapes.Task::operatorName),
                "retries", Lists.by(Shapes.Task::retries)));
        List<Shapes.Task> tasks = s.tasks().stream().map(t -> Shapes.task(s, t)).sorted(order).toList();
        ctx.json(new Shapes.TaskCollection(tasks, tasks.size()));
    }

    void task(Context ctx) {
        SerializedDag s = ops.dag(ctx.pathParam("dag_id"));
        SerializedTask t = s.task(ctx.pathParam("task_id"));
        if (t == null) {
            throw io.gale.core.NotFoundException.task(s.dagId(), ctx.pathParam("task_id"));
        }
        ctx.json(Shapes.task(s, t));
    }

    void importErrors(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        String pattern = ctx.queryParam("filename_pattern");
        List<ImportErrorRepository.ImportError> errors = ops.importErrors();
        List<Shapes.ImportError> all = new java.util.ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            var e = errors.get(i);
            if (pattern == null || like(e.filename(), pattern)) {
                all.add(new Shapes.ImportError(i + 1, e.timestamp(), e.filename(), "dags-folder", e.message()));
            }
        }
        ctx.json(new Shapes.ImportErrorCollection(page.of(all), all.size()));
    }

    private Set<String> errorFiles() {
        return ops.importErrors().stream().map(ImportErrorRepository.ImportError::filename).collect(Collectors.toSet());
    }
}
