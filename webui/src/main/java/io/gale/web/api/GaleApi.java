package io.gale.web.api;

import io.gale.api.ModelVersion;
import io.gale.client.Operations;
import io.gale.store.TrainingMetricRepository;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gale's additions under {@code /api/v2/gale}: the model registry (versions, promote, rollback,
 * delete: the operations {@code gale models} and the model pages use) and training curves.
 * An unknown model or version is 404, a refused change (rolling back with nothing to go back
 * to, deleting the production version) 409.
 */
final class GaleApi {

    record Version(String name, int version, double score, Map<String, Double> metrics, String artifactUri,
                   String storageUri, Instant dataIntervalStart, Instant dataIntervalEnd, Instant createdAt,
                   String stage, boolean isCurrent, String dagId, String runId) {
    }

    record VersionCollection(List<Version> versions, int totalEntries) {
    }

    /** One epoch of a curve: its metrics by name and its seconds. */
    record Epoch(int epoch, Map<String, Double> metrics, Double seconds, Instant recordedAt) {
    }

    /** The epochs one try of a training task reported. */
    record Curve(String taskId, int tryNumber, List<Epoch> epochs) {
    }

    /** A version's training curves: those of the run that registered it. */
    record Metrics(String name, int version, String dagId, String runId, List<Curve> curves) {
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
                .map(GaleApi::version)
                .toList();
        ctx.json(new VersionCollection(page.of(all), all.size()));
    }

    /** {@code GET .../versions/{version}}. */
    void version(Context ctx) {
        ctx.json(version(ops.modelVersion(ctx.pathParam("model_name"), number(ctx))));
    }

    /** {@code GET .../versions/{version}/metrics}: the training curves, empty when the run recorded none. */
    void metrics(Context ctx) {
        String name = ctx.pathParam("model_name");
        int number = number(ctx);
        ModelVersion v = ops.modelVersion(name, number);
        List<Curve> curves = ops.trainingCurves(name, number).stream().map(GaleApi::curve).toList();
        ctx.json(new Metrics(v.name(), v.version(), v.dagId(), v.runId(), curves));
    }

    /** {@code POST .../versions/{version}/promote}: the version, now production. */
    void promote(Context ctx) {
        ctx.json(version(ops.models().promote(ctx.pathParam("model_name"), number(ctx))));
    }

    /** {@code POST .../rollback}: the version production again. */
    void rollback(Context ctx) {
        ctx.json(version(ops.models().rollback(ctx.pathParam("model_name"))));
    }

    /** {@code DELETE .../versions/{version}}: 204; the production version is refused (409). */
    void delete(Context ctx) {
        ops.models().delete(ctx.pathParam("model_name"), number(ctx));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private static int number(Context ctx) {
        long n = Requests.longPath(ctx, "version");
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new io.gale.core.NotFoundException("model '" + ctx.pathParam("model_name") + "' has no version " + n);
        }
        return (int) n;
    }

    private static Version version(ModelVersion v) {
        return new Version(v.name(), v.version(), v.score(), v.metrics(),
                v.artifactUri() == null ? null : v.artifactUri().toString(),
                v.storageUri() == null ? null : v.storageUri().toString(), v.dataIntervalStart(), v.dataIntervalEnd(),
                v.createdAt(), v.stage().name().toLowerCase(Locale.ROOT), v.current(), v.dagId(), v.runId());
    }

    private static Curve curve(TrainingMetricRepository.Curve c) {
        return new Curve(c.taskId(), c.tryNumber(),
                c.epochs().stream().map(e -> new Epoch(e.epoch(), e.metrics(), e.seconds(), e.recordedAt())).toList());
    }
}
