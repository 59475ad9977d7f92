package io.gale.operators.recsys;

import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.Operator;
import io.gale.api.PromotionPolicy;
import io.gale.api.TaskContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the parsed artifact (XComs {@code model}, {@code score}, {@code artifact_path} of the
 * parse task; {@code metrics} and {@code params} of the train task) in {@link TaskContext#models()}
 * with its SHA-256, the run's data interval and the run, and promotes it to production when the
 * DAG's {@link PromotionPolicy} says so (default {@link PromotionPolicy#bestScore()}). Pushes and
 * returns name, version, score, {@code promoted} and the one-line {@code reason}.
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
        Path file = Path.of(artifact).toAbsolutePath();
        ModelRegistry.Registration r = ctx.models().register(new NewModelVersion(model, score, metrics, params,
                file.toUri(), sha256(file), ctx.dataIntervalStart(), ctx.dataIntervalEnd(), ctx.dagId(), ctx.runId()), policy);
        ModelVersion v = r.version();
        ctx.log().info("registered {} version {} (score {}), policy {}: {}", v.name(), v.version(), v.score(), policy,
                (r.promoted() ? "now production: " : "not production: ") + r.reason());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.name());
        out.put("version", v.version());
        out.put("score", v.score());
        out.put("promoted", r.promoted());
        out.put("reason", r.reason());
        ctx.xcomPush("version", v.version());
        ctx.xcomPush("promoted", r.promoted());
        ctx.xcomPush("reason", r.reason());
        return out;
    }

    /** SHA-256 of a file, lower-case hex. */
    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("artifact " + file + " not found: the train task's working directory is gone?");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
