package io.gale.operators.recsys;

import io.gale.api.Operator;
import io.gale.api.TaskContext;
import io.gale.api.TrainingMetrics;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.model.RecVaeTrainer;
import io.gale.operators.recsys.model.TrainingResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Trains RecVAE on a split directory (param {@code split_dir}, else the XCom {@code split_dir} of
 * the upstream task) and saves {@code recvae_<validation NDCG@100>.safetensors} and its sidecar into
 * the working directory: the epoch, the name and so the registered score come from the validation
 * users; the test users are scored once, for the record. Hyper-parameters from params, defaulting to the reference values:
 * {@code epochs}, {@code hidden_dim}, {@code latent_dim}, {@code gamma}, {@code learning_rate},
 * {@code batch_size}, {@code dropout}, {@code seed}, {@code threads}. Logs one line per epoch and
 * records each epoch's {@code loss} (encoder), {@code decoder_loss}, {@code validation_ndcg100},
 * {@code train_seconds} and seconds through {@link TaskContext#trainingMetrics()}: the training curve.
 * Pushes {@code artifact_path}, {@code metrics} ({@code validation_ndcg100}, and {@code test_ndcg100},
 * {@code test_recall20}, {@code test_recall50}), {@code params} (the hyper-parameters) and
 * {@code best_epoch}; returns them in one map.
 */
public final class RecVaeTrainOperator implements Operator<Map<String, Object>> {

    private final String splitTask;

    /** @param splitTask the task whose XCom {@code split_dir} names the split; may be null when the param is set */
    public RecVaeTrainOperator(String splitTask) {
        this.splitTask = splitTask;
    }

    /** The configuration given by the params over the reference defaults. */
    public static RecVaeConfig config(TaskContext ctx) {
        RecVaeConfig d = RecVaeConfig.defaults();
        return new RecVaeConfig(
                TaskParams.get(ctx, "hidden_dim", Integer.class, d.hiddenDim()),
                TaskParams.get(ctx, "latent_dim", Integer.class, d.latentDim()),
                TaskParams.get(ctx, "gamma", Double.class, d.gamma()),
                TaskParams.get(ctx, "learning_rate", Double.class, d.learningRate()),
                TaskParams.get(ctx, "batch_size", Integer.class, d.batchSize()),
                TaskParams.get(ctx, "epochs", Integer.class, d.epochs()),
                d.encoderPasses(), d.decoderPasses(),
                TaskParams.get(ctx, "dropout", Double.class, d.dropout()),
                TaskParams.get(ctx, "seed", Long.class, d.seed()),
                d.layerNormEps(),
                TaskParams.get(ctx, "threads", Integer.class, d.threads()));
    }

    @Override
    public Map<String, Object> execute(TaskContext ctx) {
        Path dir = Path.of(TaskParams.paramOrXCom(ctx, "split_dir", splitTask, "split_dir"));
        RecVaeConfig config = config(ctx);
        Split split = Split.read(dir);
        ctx.log().info("training RecVAE on {} ({} users x {} items), {}", dir, split.train().rows(), split.numItems(), config);
        Path artifact;
        TrainingResult result;
        EvaluationResult test;
        TrainingMetrics curve = ctx.trainingMetrics();
        try (RecVaeTrainer trainer = new RecVaeTrainer(config)) {
            result = trainer.fit(split.train(), split.validationIn(), split.validationOut(), s -> {
                if (ctx.cancelled()) {
                    throw new CancellationException("task '" + ctx.taskId() + "' was asked to stop");
                }
                ctx.log().line(String.format(Locale.ROOT,
                        "epoch %d/%d loss %.4f (decoder %.4f) val NDCG@100 %.4f train %.2f s validation %.2f s",
                        s.epoch(), config.epochs(), s.encoderLoss(), s.decoderLoss(), s.validationNdcg100(),
                        s.trainSeconds(), s.seconds() - s.trainSeconds()));
                Map<String, Double> epoch = new LinkedHashMap<>();
                epoch.put("loss", s.encoderLoss());
                epoch.put("decoder_loss", s.decoderLoss());
                epoch.put("validation_ndcg100", s.validationNdcg100());
                epoch.put("train_seconds", s.trainSeconds());
                curve.epoch(s.epoch(), epoch, s.seconds());
            });
            test = trainer.evaluate(result.bestModel(), split.testIn(), split.testOut());
        }
        artifact = RecVaeArtifacts.save(ctx.workDir(), result.bestModel(), split.itemIds(), test, result);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("validation_ndcg100", result.bestValidationNdcg100());
        metrics.put("test_ndcg100", test.ndcg100());
        metrics.put("test_recall20", test.recall20());
        metrics.put("test_recall50", test.recall50());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("epochs", config.epochs());
        params.put("hidden_dim", config.hiddenDim());
        params.put("latent_dim", config.latentDim());
        params.put("gamma", config.gamma());
        params.put("learning_rate", config.learningRate());
        params.put("batch_size", config.batchSize());
        params.put("dropout", config.dropout());
        params.put("seed", config.seed());
        ctx.log().info("best epoch {} chosen by validation NDCG@100 {}; test (not used to choose) {}; saved {}",
                result.bestEpoch(), result.bestValidationNdcg100(), metrics, artifact);
        ctx.xcomPush("artifact_path", artifact.toString());
        ctx.xcomPush("metrics", metrics);
        ctx.xcomPush("params", params);
        ctx.xcomPush("best_epoch", result.bestEpoch());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("artifact_path", artifact.toString());
        out.put("metrics", metrics);
        out.put("params", params);
        out.put("best_epoch", result.bestEpoch());
        out.put("validation_ndcg100", result.bestValidationNdcg100());
        return out;
    }
}
