package io.gale.operators.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStores;
import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.api.StoredArtifact;
import io.gale.operators.artifacts.FakeGcsServer;
import io.gale.operators.recsys.artifact.StoredModel;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.testing.MutableClock;
import io.gale.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale serve} with its artifacts in Cloud Storage (the in-suite fake JSON-API server, driven
 * by Google's client library): a version is downloaded and checked before it is swapped in; a
 * corrupt object is refused (422) and the old version keeps serving; downloads are cleaned up.
 */
class GcsServingTest {
    static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("gcs-serving-test-secret".getBytes());
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void versionsComeFromCloudStorageAndACorruptObjectLeavesTheOldOneServing() throws Exception {
        try (FakeGcsServer gcs = new FakeGcsServer(); Database db = TestDatabase.fresh()) {
            gcs.createBucket("models");
            Connection conn = new Connection("gcs", "google_cloud_platform", null, null, null, null, null,
                    Map.of("endpoint", gcs.endpoint(), "project", "p", "initial_retry_delay_ms", "10", "max_attempts", "2"));
            ArtifactStore store = ArtifactStores.open(URI.create("gs://models/gale/"), conn);
            ModelRegistry models = new JooqStore(db).models();
            ModelServerTest.dir = dir;
            StoredArtifact a1 = StoredModel.upload(store, "recvae/v1/", ModelServerTest.artifact(11));
            StoredArtifact a2 = StoredModel.upload(store, "recvae/v2/", ModelServerTest.artifact(12));
            StoredArtifact a3 = StoredModel.upload(store, "recvae/v3/", ModelServerTest.artifact(13));
            int v1 = register(models, a1, 0.3);
            Path downloads = dir.resolve("downloads");
            MutableClock clock = new MutableClock(Instant.now());
            try (ModelServer server = new ModelServer(models, ArtifactLoader.stores(conn, downloads), WebhookSignature.of(SECRET), clock,
                    ModelServer.Settings.defaults().withHost("127.0.0.1").withPort(0).withModel("gcsm").withPollInterval(Duration.ZERO)).start()) {
                HttpClient http = HttpClient.newHttpClient();
                assertThat(server.served().orElseThrow().version().version()).isEqualTo(v1);
                assertThat(json(get(http, server, "/recommend?items=1000,1007&k=5")).get("version").asInt()).isEqualTo(v1);

                // a corrupt object: the download fails its checksum, nothing is swapped
                int v2 = register(models, a2, 0.2);
                gcs.corrupt("models", "gale/" + a2.key());
                HttpResponse<String> bad = hook(http, server, clock, "msg_corrupt", models.version("gcsm", v2).orElseThrow());
                assertThat(bad.statusCode()).isEqualTo(422);
                assertThat(json(bad).get("error").asText()).startsWith("cannot download: " + a2.uri() + ": checksum mismatch");
                assertThat(json(bad).get("serving_version").asInt()).isEqualTo(v1);
                assertThat(server.served().orElseThrow().version().version()).isEqualTo(v1);
                assertThat(json(get(http, server, "/recommend?items=1000,1007&k=5")).get("version").asInt()).isEqualTo(v1);

                // a sound object swaps in
                int v3 = register(models, a3, 0.1);
                HttpResponse<String> good = hook(http, server, clock, "msg_good", models.version("gcsm", v3).orElseThrow());
                assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
                assertThat(json(get(http, server, "/recommend?items=1000,1007&k=5")).get("version").asInt()).isEqualTo(v3);
                assertThat(server.reloads(false)).isEqualTo(1);
                try (Stream<Path> left = Files.list(downloads)) {
                    assertThat(left).as("downloads are deleted once loaded or refused").isEmpty();
                }
            }
        }
    }

    private static int register(ModelRegistry models, StoredArtifact a, double score) {
        return models.register(new NewModelVersion("gcsm", score, Map.of(), Map.of(), a.uri(), a.sha256(), null, null, "dag", "run"),
                PromotionPolicy.bestScore()).version().version();
    }

    private static HttpResponse<String> get(HttpClient http, ModelServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> hook(HttpClient http, ModelServer server, MutableClock clock, String id, ModelVersion v)
            throws Exception {
        byte[] body = JSON.writeValueAsBytes(ModelDeployment.of(v));
        long ts = clock.instant().getEpochSecond();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/models/reload"))
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", WebhookSignature.of(SECRET).sign(id, ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }
}
