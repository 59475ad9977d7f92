package io.gale.dags;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Connection;
import io.gale.api.Dag;
import io.gale.api.ModelVersion;
import io.gale.core.DagRun;
import io.gale.operators.models.ArtifactLoader;
import io.gale.operators.models.ModelServer;
import io.gale.operators.models.WebhookSignature;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecVaeBatchTrainTest {

    @TempDir
    Path home;

    @Test
    void shapeOfTheSeedDag() {
        Dag dag = new RecVaeBatchTrain().define();
        assertThat(dag.id()).isEqualTo("recvae_batch_train");
        assertThat(dag.tags()).containsExactly("recsys", "recvae");
        assertThat(dag.schedule()).isEqualTo("@hourly");
        assertThat(dag.catchup()).isFalse();
        assertThat(dag.timezone()).isEqualTo(ZoneId.of("Asia/Seoul"));
        assertThat(dag.startDate()).isEqualTo(ZonedDateTime.of(2022, 6, 2, 22, 30, 0, 0, ZoneId.of("Asia/Seoul")));
    }

    @Test
    void runsEndToEndOnSyntheticDataDeploysToARunningServerAndAWorseSecondRunDoesNotReplaceTheProductionModel() throws Exception {
        try (Harness h = new Harness(home, new RecVaeBatchTrain().define());
             ModelServer server = new ModelServer(h.store.models(), ArtifactLoader.local(), WebhookSignature.of("hook-secret"),
                     java.time.Clock.systemUTC(), ModelServer.Settings.defaults().withHost("127.0.0.1").withPort(0)
                     .withPollInterval(java.time.Duration.ZERO)).start()) {
            assertThat(server.served()).isEmpty();
            h.store.connections().put(new Connection("model_server_default", "http", "127.0.0.1", server.port(), null, null,
                    "hook-secret", Map.of()));
            DagRun first = h.runToEnd(h.trigger("recvae_batch_train", Map.of()));
            assertThat(h.states(first)).containsExactlyInAnyOrderEntriesOf(Map.of("preprocess_base_data", "success",
                    "preprocess_vae", "success", "train", "success", "parse_artifact", "success", "register", "success",
                    "deploy", "success"));
            // the webhook made the running server swap in version 1
            assertThat(server.served()).map(m -> m.version().version()).contains(1);
            var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).contains("\"version\":1");
            ModelVersion v1 = h.store.models().current("recvae").orElseThrow();
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v1.metrics()).containsKeys("validation_ndcg100", "test_ndcg100", "test_recall20", "test_recall50");
            // registered and promoted by the validation score, never the test score
            assertThat(v1.score()).isEqualTo(Math.round(v1.metrics().get("validation_ndcg100") * 1e4) / 1e4);
            assertThat(v1.stage()).isEqualTo(io.gale.api.ModelStage.PRODUCTION);
            assertThat(v1.sha256()).matches("[0-9a-f]{64}");
            assertThat(v1.runId()).isEqualTo(first.runId());
            assertThat(v1.params()).containsEntry("epochs", 5);
            assertThat(v1.artifactUri().getPath()).matches(".*/artifacts/recvae/recvae_batch_train/[^/]+/recvae_0\\.\\d{4}\\.safetensors");
            assertThat(v1.dataIntervalStart()).isEqualTo(first.dataIntervalStart());
            assertThat(h.client().xcoms("recvae_batch_train", first.runId(), "parse_artifact", "model").get(0).json())
                    .isEqualTo("\"recvae\"");

            h.clock.set(h.clock.instant().plusSeconds(3600));
            DagRun second = h.runToEnd(h.trigger("recvae_batch_train", Map.of("epochs", 0)));
            assertThat(second.state().id()).isEqualTo("success");
            List<ModelVersion> versions = h.store.models().versions("recvae");
            assertThat(versions).extracting(ModelVersion::version).containsExactly(2, 1);
            assertThat(versions.get(0).score()).isLessThan(v1.score());
            assertThat(versions.get(0).current()).isFalse();
            assertThat(h.store.models().current("recvae")).map(ModelVersion::version).contains(1);
            assertThat(h.client().log("recvae_batch_train", second.runId(), "register", null)).contains("not production: score");
            assertThat(h.states(second)).containsEntry("deploy", "skipped");
            assertThat(h.client().log("recvae_batch_train", second.runId(), "deploy", null))
                    .contains("recvae version 2 did not become production: score");
            assertThat(server.served()).map(m -> m.version().version()).contains(1);
        }
    }
}
