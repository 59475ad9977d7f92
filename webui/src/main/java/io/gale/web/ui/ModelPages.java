package io.gale.web.ui;

import io.gale.api.ModelVersion;
import io.gale.client.Operations;
import io.gale.web.auth.Permission;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The models pages (read-only): {@code /models} finds a model by name, {@code /models/{name}}
 * lists its registered versions, newest first, with stage, score, metrics and the data interval
 * of the run that produced each.
 */
final class ModelPages {

    /** One version as the page lists it. */
    public record Row(int version, String stage, boolean current, String score, String metrics, String dataInterval,
                      String created, String artifact) {
    }

    private final Pages pages;
    private final Operations ops;

    ModelPages(Pages pages, Operations ops) {
        this.pages = pages;
        this.ops = ops;
    }

    void addTo(Javalin app) {
        app.get("/models", ctx -> UiRoutes.signedIn(ctx).ifPresent(who -> {
            String name = ctx.queryParam("name");
            if (name != null && !name.isBlank()) {
                ctx.redirect("/models/" + Views.segment(name.trim()), HttpStatus.SEE_OTHER);
                return;
            }
            Map<String, Object> m = UiRoutes.common(ctx, who, "Models");
            m.put("name", null);
            m.put("versions", List.of());
            ctx.html(pages.render("models", m));
        }), Permission.PUBLIC);
        app.get("/models/{name}", ctx -> UiRoutes.signedIn(ctx).ifPresent(who -> UiRoutes.page(() -> {
            String name = ctx.pathParam("name");
            List<Row> rows = ops.modelVersions(name).stream().sorted(Comparator.comparingInt(ModelVersion::version).reversed())
                    .map(v -> new Row(v.version(), v.stage().name().toLowerCase(Locale.ROOT), v.current(),
                            String.format(Locale.ROOT, "%.4f", v.score()),
                            v.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                                    .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", e.getValue())).collect(Collectors.joining(", ")),
                            Views.utc(v.dataIntervalStart()) + " to " + Views.utc(v.dataIntervalEnd()), Views.utc(v.createdAt()),
                            v.storageUri() != null ? v.storageUri().toString() : v.artifactUri() == null ? "–" : v.artifactUri().toString()))
                    .toList();
            Map<String, Object> m = UiRoutes.common(ctx, who, "Model " + name);
            m.put("name", name);
            m.put("versions", rows);
            ctx.html(pages.render("models", m));
        })), Permission.PUBLIC);
    }
}
