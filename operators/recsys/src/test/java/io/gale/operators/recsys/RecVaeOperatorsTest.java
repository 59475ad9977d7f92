package io.gale.operators.recsys;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.data.SyntheticStars;
import io.gale.testing.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecVaeOperatorsTest {

    @TempDir
    Path home;

    static Path smallSplit(Path dir) {
        Interactions stars = SyntheticStars.generate(SyntheticStars.Options.defaults(5).withSize(600, 250)).filter(5, 5);
        return Split.strongGeneralization(stars, Split.Options.of(60)).write(dir);
    }

    @Test
    void trainOperatorSavesTheArtifactNamedByValidationLogsEachEpochAndPushesPathMetricsAndBestEpoch() throws Exception {
        Path split = smallSplit(home.resolve("split"));
        var dag = Dag.builder("train_only")
                .param("split_dir", split.toString()).param("epochs", 3)
                .param("hidden_dim", 64).param("latent_dim", 16).param("threads", 1);
        dag.task("train", new RecVaeTrainOperator(null));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("train_only", Map.of()));
            assertThat(h.states(run)).containsEntry("train", "success");
            String artifact = h.client().xcoms("train_only", run.runId(), "train", "artifact_path").get(0).json();
            Path file = Path.of(artifact.substring(1, artifact.length() - 1));
            assertThat(file.getFileName().toString()).matches("recvae_0\\.\\d{4}\\.safetensors");
            assertThat(file).exists().startsWith(home.resolve("work").resolve("train_only"));
            assertThat(RecVaeArtifacts.sidecarOf(file)).exists();
            Map<String, Object> metrics = io.gale.core.Json.read(
                    h.client().xcoms("train_only", run.runId(), "train", "metrics").get(0).json(), Map.class);
            assertThat(metrics.keySet()).containsExactlyInAnyOrder("validation_ndcg100", "test_ndcg100", "test_recall20", "test_recall50");
            // the name (and so the registered score) is the validation score that chose the epoch
            assertThat(file.getFileName().toString()).isEqualTo(String.format(java.util.Locale.ROOT,
                    "recvae_%.4f.safetensors", ((Number) metrics.get("validation_ndcg100")).doubleValue()));
            assertThat(h.client().xcoms("train_only", run.runId(), "train", "params").get(0).json()).contains("\"hidden_dim\"", "64");
            assertThat(h.client().xcoms("train_only", run.runId(), "train", "best_epoch").get(0).json()).matches("[0-3]");
            String ret = h.client().xcoms("train_only", run.runId(), "train", "return_value").get(0).json();
            assertThat(ret).contains("artifact_path", "metrics", "best_epoch");
            String log = h.client().log("train_only", run.runId(), "train", null);
            assertThat(log).contains("epoch 1/3 loss", "epoch 2/3 loss", "epoch 3/3 loss", "val NDCG@100")
                    .containsPattern("train \\d+\\.\\d\\d s validation \\d+\\.\\d\\d s");
            // the training curve: one row per epoch, as the epochs finished
            var curves = h.store.trainingMetrics().forRun("train_only", run.runId());
            assertThat(curves).singleElement().satisfies(c -> {
                assertThat(c.taskId()).isEqualTo("train");
                assertThat(c.epochs()).extracting(e -> e.epoch()).containsExactly(1, 2, 3);
                assertThat(c.epochs()).allSatisfy(e -> {
                    assertThat(e.metrics()).containsKeys("loss", "decoder_loss", "validation_ndcg100", "train_seconds");
                    assertThat(e.seconds()).isPositive();
                });
            });
        }
    }

    @Test
    void parseArtifactFailsTheTaskAtOnceOnAnUnparsableName() throws Exception {
        var dag = Dag.builder("parse_only").param("artifact_path", "/tmp/model-final.safetensors");
        dag.task("parse", new ParseArtifactOperator("train")).retries(2);
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("parse_only", Map.of()));
            assertThat(h.states(run)).containsEntry("parse", "failed");
            assertThat(h.ti(run, "parse").tryNumber()).isEqualTo(1);
            assertThat(h.client().log("parse_only", run.runId(), "parse", null))
                    .contains("'model-final.safetensors' does not follow <model>_<score>");
        }
    }

    @Test
    void preprocessAndSplitWriteFilesThatTheNextTaskReads() throws Exception {
        var dag = Dag.builder("prep").param("synthetic_users", 400).param("synthetic_repositories", 200);
        dag.task("base", new PrepareInteractionsOperator()).then(dag.task("vae", new SplitOperator("base")));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("prep", Map.of()));
            assertThat(h.states(run)).containsEntry("base", "success").containsEntry("vae", "success");
            String base = h.client().xcoms("prep", run.runId(), "base", "return_value").get(0).json();
            assertThat(base).contains("\"users\": ", "interactions.csv");
            String dir = h.client().xcoms("prep", run.runId(), "vae", "split_dir").get(0).json().replace("\"", "");
            assertThat(Files.list(Path.of(dir)).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "train.csv", "validation_tr.csv", "validation_te.csv", "test_tr.csv", "test_te.csv", "unique_sid.txt");
            assertThat(Split.read(Path.of(dir)).validationIn().rows()).isBetween(30, 40);
        }
    }
}
