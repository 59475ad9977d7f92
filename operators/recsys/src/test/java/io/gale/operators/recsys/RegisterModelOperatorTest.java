package io.gale.operators.recsys;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStores;
import io.gale.api.Connection;
import io.gale.api.Dag;
import io.gale.api.ModelVersion;
import io.gale.core.DagRun;
import io.gale.operators.artifacts.FakeGcsServer;
import io.gale.operators.recsys.artifact.StoredModel;
import io.gale.testing.Harness;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** parse -> register with the artifact uploaded first: file:// by default, gs:// through a connection. */
class RegisterModelOperatorTest {

    @TempDir
    Path home;

    private Path weights;

    @BeforeEach
    void artifact() throws Exception {
        Path dir = Files.createDirectories(home.resolve("model"));
        weights = Files.write(dir.resolve("recvae_0.4213.safetensors"), new byte[] {1, 2, 3, 4, 5});
        Files.writeString(dir.resolve("recvae_0.4213.json"), "{\"format\": 1}");
    }

    private Dag dag(Map<String, Object> params) {
        var b = Dag.builder("reg").param("artifact_path", weights.toString());
        params.forEach(b::param);
        b.task("parse", new ParseArtifactOperator(null)).then(b.task("register", new RegisterModelOperator("parse", null)));
        return b.build();
    }

    private static String key(DagRun run, String file) {
        return "recvae/reg/" + run.runId().replaceAll("[^A-Za-z0-9._=+@,-]", "_") + "/" + file;
    }

    @Test
    void uploadsToTheDefaultFileStoreAndRegistersThatUri() throws Exception {
        try (Harness h = new Harness(home, dag(Map.of()))) {
            DagRun run = h.runToEnd(h.trigger("reg", Map.of()));

            assertThat(h.states(run)).containsEntry("register", "success");
            ModelVersion v = h.store.models().current("recvae").orElseThrow();
            Path stored = home.resolve("artifacts").resolve(key(run, "recvae_0.4213.safetensors"));
            assertThat(v.artifactUri()).isEqualTo(stored.toUri());
            assertThat(Files.readAllBytes(stored)).isEqualTo(Files.readAllBytes(weights));
            assertThat(stored.resolveSibling("recvae_0.4213.json")).hasContent("{\"format\": 1}");
            String sha = h.client().xcoms("reg", run.runId(), "register", "artifact_sha256").get(0).json().replace("\"", "");
            assertThat(sha).hasSize(64);

            ArtifactStore store = ArtifactStores.open(home.resolve("artifacts").toUri(), null);
            Path local = StoredModel.download(store, v.artifactUri(), sha, home.resolve("serve"));
            assertThat(Files.readAllBytes(local)).isEqualTo(Files.readAllBytes(weights));
            assertThat(local.resolveSibling("recvae_0.4213.json")).exists();
        }
    }

    @Test
    void aRetryFindsItsOwnUploadButOtherBytesFailTheTaskAndRegisterNothing() throws Exception {
        try (Harness h = new Harness(home, dag(Map.of()))) {
            ArtifactStore store = ArtifactStores.open(home.resolve("artifacts").toUri(), null);
            DagRun run = h.trigger("reg", Map.of());
            store.put(key(run, "recvae_0.4213.safetensors"), weights); // as an earlier try left it
            assertThat(h.states(h.runToEnd(run))).containsEntry("register", "success");
            assertThat(h.store.models().versions("recvae")).hasSize(1);

            h.clock.set(h.clock.instant().plusSeconds(60));
            DagRun other = h.trigger("reg", Map.of());
            Path elsewhere = Files.write(home.resolve("other.bin"), new byte[] {9, 9});
            store.put(key(other, "recvae_0.4213.safetensors"), elsewhere);
            assertThat(h.states(h.runToEnd(other))).containsEntry("register", "failed");
            assertThat(h.client().log("reg", other.runId(), "register", null))
                    .contains(store.uri(key(other, "recvae_0.4213.safetensors")) + ": already holds other bytes");
            assertThat(h.store.models().versions("recvae")).hasSize(1);
        }
    }

    @Test
    void uploadsToCloudStorageAndAMissingBucketFailsTheTaskNamingTheUri() throws Exception {
        try (FakeGcsServer gcs = new FakeGcsServer()) {
            gcs.createBucket("models");
            try (Harness h = new Harness(home, dag(Map.of("artifact_root", "gs://models/gale", "artifact_conn_id", "gcs")))) {
                h.store.connections().put(new Connection("gcs", "google_cloud_platform", null, null, null, null, null,
                        Map.of("endpoint", gcs.endpoint(), "project", "p", "initial_retry_delay_ms", "10")));
                DagRun run = h.runToEnd(h.trigger("reg", Map.of()));
                assertThat(h.states(run)).containsEntry("register", "success");
                ModelVersion v = h.store.models().current("recvae").orElseThrow();
                assertThat(v.artifactUri()).isEqualTo(URI.create("gs://models/gale/" + key(run, "recvae_0.4213.safetensors")));
                assertThat(gcs.object("models", "gale/" + key(run, "recvae_0.4213.safetensors")).data())
                        .isEqualTo(Files.readAllBytes(weights));
                assertThat(gcs.object("models", "gale/" + key(run, "recvae_0.4213.json"))).isNotNull();

                h.clock.set(h.clock.instant().plusSeconds(60));
                DagRun missing = h.runToEnd(h.trigger("reg", Map.of("artifact_root", "gs://no-such-bucket/x")));
                assertThat(h.states(missing)).containsEntry("register", "failed");
                assertThat(h.client().log("reg", missing.runId(), "register", null))
                        .contains("gs://no-such-bucket/x/recvae/reg/", "bucket 'no-such-bucket' does not exist (404)");
                assertThat(h.store.models().versions("recvae")).hasSize(1);

                h.clock.set(h.clock.instant().plusSeconds(60));
                DagRun noConn = h.runToEnd(h.trigger("reg", Map.of("artifact_conn_id", "nope")));
                assertThat(h.states(noConn)).containsEntry("register", "failed");
                assertThat(h.client().log("reg", noConn.runId(), "register", null))
                        .contains("gs://models/gale: connection 'nope' for the artifact store is not defined");
                assertThat(h.store.models().versions("recvae")).hasSize(1);
            }
        }
    }
}
