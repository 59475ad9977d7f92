package io.gale.operators.recsys;

import io.gale.api.ArtifactKeys;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.Operator;
import io.gale.api.PromotionPolicy;
import io.gale.api.StoredArtifact;
import io.gale.api.TaskContext;
import io.gale.operators.recsys.artifact.StoredModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the parsed artifact (XComs {@code model}, {@code score}, {@code artifact_path} of the
 * parse task; {@code metrics} and {@code params} of the train task) in {@link TaskContext#models()}
 * with the run's data interval and the run, and promotes it to production when the DAG's
 * {@link PromotionPolicy} says so (default {@link PromotionPolicy#bestScore()}). First the
 * artifact (weights, sidecar, ONNX) is uploaded to {@link TaskContext#artifacts()} under
 * {@code <model>/<dag>/<run>/}; the registry records that URI and the weights' SHA-256, and a
 * failed upload fails the task before anything is registered. A retry finds its own finished
 * upload. Pushes {@code artifact_uri}, {@code artifact_sha256}, {@code version}, {@code promoted}
 * and the one-line {@code reason}; returns them with name and score.
 */
public final class RegisterModelOperator implements Operator<Map<String, Object>> {

    private final String parseTask;
    private final String trainTask;
    private final PromotionPolicy policy;

    public RegisterModelOperator(String parseTask, String trainTask) {
        this(parseTask, trainTask, PromotionPolicy.bestScore());
    }

    /** @param policy when a new version becomes production */
    public RegisterModelOperator(String parseTask, String trainTask, PromotionPolicy policy) {
        this.parseTask = parseTask;
        this.trainTask = trainTask;
        this.policy = policy;
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
        Map<String, Object> params = new LinkedHashMap<>();
        if (trainTask != null) {
            Map<String, Object> pushed = ctx.xcomPull(trainTask, "metrics", Map.class);
            if (pushed != null) {
                pushed.forEach((k, val) -> metrics.put(k, ((Number) val).doubleValue()));
            }
            Map<String, Object> hyper = ctx.xcomPull(trainTask, "params", Map.class);
            if (hyper != null) {
                params.putAll(hyper);
            }
        }
        String keyPrefix = ArtifactKeys.segment(model) + "/" + ArtifactKeys.segment(ctx.dagId()) + "/"
                + ArtifactKeys.segment(ctx.runId()) + "/";
        StoredArtifact stored = StoredModel.upload(ctx.artifacts(), keyPrefix, Path.of(artifact).toAbsolutePath());
        ctx.log().info("uploaded {} to {} (sha256 {})", artifact, stored.uri(), stored.sha256());
        ctx.xcomPush("artifact_uri", stored.uri().toString());
        ctx.xcomPush("artifact_sha256", stored.sha256());
        ModelRegistry.Registration r = ctx.models().register(new NewModelVersion(model, score, metrics, params,
                stored.uri(), stored.sha256(), ctx.dataIntervalStart(), ctx.dataIntervalEnd(), ctx.dagId(), ctx.runId()), policy);
        ModelVersion v = r.version();
        ctx.log().info("registered {} version {} (score {}), policy {}: {}", v.name(), v.version(), v.score(), policy,
                (r.promoted() ? "now production: " : "not production: ") + r.reason());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.name());
        out.put("version", v.version());
        out.put("score", v.score());
        out.put("promoted", r.promoted());
        out.put("reason", r.reason());
        out.put("artifact_uri", stored.uri().toString());
        out.put("sha256", stored.sha256());
        ctx.xcomPush("version", v.version());
        ctx.xcomPush("promoted", r.promoted());
        ctx.xcomPush("reason", r.reason());
        return out;
    }
}
