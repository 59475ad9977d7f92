package io.gale.operators.recsys;

import io.gale.api.ArtifactKeys;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.Operator;
import io.gale.api.StoredArtifact;
import io.gale.api.TaskContext;
import io.gale.operators.recsys.artifact.StoredModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the parsed artifact (XComs {@code model}, {@code score}, {@code artifact_path} of the
 * parse task; {@code metrics} of the train task) in {@link TaskContext#models()} with the run's
 * data interval. The registry makes it current if its score is at least the current one's.
 * First the artifact (weights, sidecar, ONNX) is uploaded to {@link TaskContext#artifacts()} under
 * {@code <model>/<dag>/<run>/}; the registry records that URI, and a failed upload fails the task
 * before anything is registered. A retry finds its own finished upload, and its version when that
 * was registered already. Pushes {@code artifact_uri}
 * and {@code artifact_sha256}. Returns name, version, score, whether it became current, and the URI
 * and SHA-256.
 */
public final class RegisterModelOperator implements Operator<Map<String, Object>> {

    private final String parseTask;
    private final String trainTask;

    public RegisterModelOperator(String parseTask, String trainTask) {
        this.parseTask = parseTask;
        this.trainTask = trainTask;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> execute(TaskContext ctx) {
        String model = TaskParams.paramOrXCom(ctx, "model_name", parseTask, "model");
        Double score = ctx.xcomPull(parseTask, "score", Double.class);
        String artifact = TaskParams.paramOrXCom(ctx, "artifact_path", parseTask, "artifact_path");
        if (score == null) {
            throw new IllegalArgumentException("task '" + ctx.taskId() + "': no XCom 'score' from task '" + parseTask + "'");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Object> pushed = trainTask == null ? null : ctx.xcomPull(trainTask, "metrics", Map.class);
        if (pushed != null) {
            pushed.forEach((k, val) -> metrics.put(k, ((Number) val).doubleValue()));
        }
        String keyPrefix = ArtifactKeys.segment(model) + "/" + ArtifactKeys.segment(ctx.dagId()) + "/"
                + ArtifactKeys.segment(ctx.runId()) + "/";
        StoredArtifact stored = StoredModel.upload(ctx.artifacts(), keyPrefix, Path.of(artifact).toAbsolutePath());
        ctx.log().info("uploaded {} to {} (sha256 {})", artifact, stored.uri(), stored.sha256());
        ctx.xcomPush("artifact_uri", stored.uri().toString());
        ctx.xcomPush("artifact_sha256", stored.sha256());
        // a retry after the registration committed finds its version instead of adding another
        ModelVersion v = ctx.models().versions(model).stream().filter(r -> r.artifactUri().equals(stored.uri())).findFirst()
                .orElseGet(() -> ctx.models().register(new NewModelVersion(model, score, metrics,
                        stored.uri(), ctx.dataIntervalStart(), ctx.dataIntervalEnd())));
        ctx.log().info("registered {} version {} (score {}): {}", v.name(), v.version(), v.score(),
                v.current() ? "now current" : "not current, " + ctx.models().current(model)
                        .map(c -> "version " + c.version() + " (score " + c.score() + ") stays").orElse(""));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.name());
        out.put("version", v.version());
        out.put("score", v.score());
        out.put("current", v.current());
        out.put("artifact_uri", stored.uri().toString());
        out.put("sha256", stored.sha256());
        return out;
    }
}
