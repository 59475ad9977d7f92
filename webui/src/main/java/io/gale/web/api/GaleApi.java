package io.gale.web.api;

import io.gale.api.ModelVersion;
import io.gale.client.Operations;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Gale's additions under {@code /api/v2/gale}: the model registry. */
final class GaleApi {

    record Version(String name, int version, double score, Map<String, Double> metrics, String artifactUri,
                   String storageUri, Instant dataIntervalStart, Instant dataIntervalEnd, Instant createdAt,
                   String stage, boolean isCurrent) {
    }

    record VersionCollection(List<Version> versions, int totalEntries) {
    }

    private final Operations ops;

    GaleApi(Operations ops) {
        this.ops = ops;
    }

    /** {@code GET /api/v2/gale/models/{model_name}/versions}: newest first. */
    void versions(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        List<Version> all = ops.modelVersions(ctx.pathParam("model_name")).stream()
                .sorted(Comparator.comparingInt(ModelVersion::version).reversed())
                .map(v -> new Version(v.name(), v.version(), v.score(), v.metrics(),
                        v.artifactUri() == null ? null : v.artifactUri().toString(),
                        v.storageUri() == null ? null : v.storageUri().toString(), v.dataIntervalStart(), v.dataIntervalEnd(),
                        v.createdAt(), v.stage().name().toLowerCase(java.util.Locale.ROOT), v.current()))
                .toList();
        ctx.json(new VersionCollection(page.of(all), all.size()));
    }
}
