package io.gale.web.ui;

import io.gale.api.ModelRegistryException;
import io.gale.api.ModelVersion;
import io.gale.client.Operations;
import io.gale.web.auth.Permission;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The models pages: {@code /models} lists the registered models, {@code /models/{name}} a model's
 * versions, newest first, with stage, score, metrics and the run that produced each, and (for
 * ops) promote and rollback buttons; {@code /models/{name}/versions/{n}} one version with its
 * training curves (loss and validation NDCG@100 per epoch, drawn as SVG on the server, and every
 * reported metric in a table).
 */
final class ModelPages {

    /** One version as the page lists it. */
    public record Row(int version, String stage, boolean current, String score, String metrics, String dataInterval,
                      String run, String runHref, String created, String artifact, String href) {
    }

    /** One training curve on a version's page: its charts and its epochs as a table. */
    public record CurveView(String taskId, int tryNumber, List<TrainingChart> charts, List<String> metrics, List<EpochRow> epochs) {
    }

    /** An epoch in the table: its number, each metric's value (in {@code metrics}' order, "–" when absent) and seconds. */
    public record EpochRow(int epoch, List<String> values, String seconds) {
    }

    /** A model's name and page. */
    public record Link(String name, String href) {
    }

    private final Pages pages;
    private final Operations ops;

    ModelPages(Pages pages, Operations ops) {
        this.pages = pages;
        this.ops = ops;
    }

    void addTo(Javalin app) {
        app.get("/models", ctx -> UiRoutes.signedIn(ctx).ifPresent(who -> {
            Map<String, Object> m = UiRoutes.common(ctx, who, "Models");
            m.put("name", null);
            m.put("names", ops.models().names().stream().map(n -> new Link(n, href(n))).toList());
            m.put("versions", List.of());
            m.put("error", null);
            ctx.html(pages.render("models", m));
        }), Permission.PUBLIC);
        app.get("/models/{name}", ctx -> UiRoutes.signedIn(ctx).ifPresent(who -> UiRoutes.page(() -> {
            String name = ctx.pathParam("name");
            List<Row> rows = ops.modelVersions(name).stream().sorted(Comparator.comparingInt(ModelVersion::version).reversed())
                    .map(ModelPages::row).toList();
            Map<String, Object> m = UiRoutes.common(ctx, who, "Model " + name);
            m.put("name", name);
            m.put("names", List.of());
            m.put("href", href(name));
            m.put("versions", rows);
            m.put("error", ctx.queryParam("error"));
            ctx.html(pages.render("models", m));
        })), Permission.PUBLIC);
        app.get("/models/{name}/versions/{version}", ctx -> UiRoutes.signedIn(ctx).ifPresent(who -> UiRoutes.page(() -> {
            String name = ctx.pathParam("name");
            int number;
            try {
                number = Integer.parseInt(ctx.pathParam("version"));
            } catch (NumberFormatException e) {
                throw new UiRoutes.PageNotFound("model '" + name + "' has no version '" + ctx.pathParam("version") + "'");
            }
            ModelVersion v = ops.modelVersion(name, number);
            Map<String, Object> m = UiRoutes.common(ctx, who, "Model " + name + " version " + number);
            m.put("name", name);
            m.put("href", href(name));
            m.put("v", row(v));
            m.put("curves", ops.trainingCurves(name, number).stream().map(ModelPages::curve).toList());
            ctx.html(pages.render("model_version", m));
        })), Permission.PUBLIC);
        app.post("/models/{name}/promote", ctx -> {
            String name = ctx.pathParam("name");
            int version;
            try {
                version = Integer.parseInt(String.valueOf(ctx.formParam("version")).trim());
            } catch (NumberFormatException e) {
                throw new io.gale.core.BadRequestException("version must be a number: use the page's buttons");
            }
            change(ctx, name, () -> ops.models().promote(name, version));
        }, Permission.OPERATE);
        app.post("/models/{name}/rollback", ctx -> {
            String name = ctx.pathParam("name");
            change(ctx, name, () -> ops.models().rollback(name));
        }, Permission.OPERATE);
    }

    private static void change(io.javalin.http.Context ctx, String name, Runnable change) {
        try {
            change.run();
            ctx.redirect(href(name), HttpStatus.SEE_OTHER);
        } catch (io.gale.api.ModelNotFoundException e) {
            throw new UiRoutes.PageNotFound(e.getMessage());
        } catch (ModelRegistryException e) {
            ctx.redirect(href(name) + "?error=" + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
        }
    }

    private static String href(String name) {
        return "/models/" + Views.segment(name);
    }

    /** The charts drawn for every curve that reports them: loss and validation NDCG@100. */
    private static final Map<String, String> CHARTED = Map.of("loss", "Training loss", "validation_ndcg100", "Validation NDCG@100");

    private static CurveView curve(io.gale.store.TrainingMetricRepository.Curve c) {
        List<String> names = c.epochs().stream().flatMap(e -> e.metrics().keySet().stream()).distinct().sorted().toList();
        List<TrainingChart> charts = java.util.stream.Stream.of("loss", "validation_ndcg100")
                .<TrainingChart>map(metric -> TrainingChart.of(metric, CHARTED.get(metric), c.epochs()))
                .filter(java.util.Objects::nonNull).toList();
        List<EpochRow> rows = c.epochs().stream().map(e -> new EpochRow(e.epoch(),
                names.stream().map(n -> e.metrics().containsKey(n) ? TrainingChart.value(e.metrics().get(n)) : "–").toList(),
                e.seconds() == null ? "–" : String.format(Locale.ROOT, "%.2f", e.seconds()))).toList();
        return new CurveView(c.taskId(), c.tryNumber(), charts, names, rows);
    }

    private static Row row(ModelVersion v) {
        String runHref = v.dagId() != null && v.runId() != null ? UiRoutes.dagHref(v.dagId()) : null;
        return new Row(v.version(), v.stage().name().toLowerCase(Locale.ROOT), v.current(),
                String.format(Locale.ROOT, "%.4f", v.score()),
                v.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", e.getValue())).collect(Collectors.joining(", ")),
                Views.utc(v.dataIntervalStart()) + " to " + Views.utc(v.dataIntervalEnd()),
                v.dagId() == null ? "–" : v.dagId() + (v.runId() == null ? "" : " / " + v.runId()), runHref, Views.utc(v.createdAt()),
                v.storageUri() != null ? v.storageUri().toString() : v.artifactUri() == null ? "–" : v.artifactUri().toString(),
                href(v.name()) + "/versions/" + v.version());
    }
}
