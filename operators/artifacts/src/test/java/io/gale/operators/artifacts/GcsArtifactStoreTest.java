package io.gale.operators.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.gale.api.ArtifactExistsException;
import io.gale.api.ArtifactNotFoundException;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStores;
import io.gale.api.ChecksumMismatchException;
import io.gale.api.Connection;
import io.gale.api.StoredArtifact;
import io.gale.operators.artifacts.FakeGcsServer.Action;
import io.gale.operators.artifacts.FakeGcsServer.Fault;
import io.gale.operators.artifacts.FakeGcsServer.Request;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gs:// store driven through the real client library against {@link FakeGcsServer}. */
class GcsArtifactStoreTest {

    private static final long THRESHOLD = 512 * 1024;

    @TempDir
    Path tmp;

    private FakeGcsServer gcs;
    private ArtifactStore store;

    @BeforeEach
    void start() throws IOException {
        gcs = new FakeGcsServer();
        gcs.createBucket("models");
        store = new GcsArtifactStore(storage(gcs.endpoint()), URI.create("gs://models/gale"), THRESHOLD);
    }

    @AfterEach
    void stop() {
        gcs.close();
    }

    static Storage storage(String endpoint) {
        Duration d = Duration.ofMillis(20);
        return StorageOptions.newBuilder().setHost(endpoint).setProjectId("p").setCredentials(NoCredentials.getInstance())
                .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(6)
                        .setInitialRetryDelayDuration(d).setMaxRetryDelayDuration(d.multipliedBy(4))
                        .setTotalTimeoutDuration(Duration.ofSeconds(30)).build())
                .build().getService();
    }

    private Path file(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(tmp.resolve(name), b);
    }

    private long count(String method, String queryPart) {
        return gcs.requests().stream().filter(r -> r.method().equals(method) && r.query().contains(queryPart)).count();
    }

    @Test
    void smallFileGoesInOneMultipartRequestThatNeverOverwritesAndComesBackVerified() throws IOException {
        Path f = file("a.bin", 10_000, 1);

        StoredArtifact a = store.put("recvae/run1/a.bin", f);

        assertThat(a.uri()).isEqualTo(URI.create("gs://models/gale/recvae/run1/a.bin"));
        assertThat(a.size()).isEqualTo(10_000);
        assertThat(a.sha256()).isEqualTo(Checksums.of(f).sha256());
        FakeGcsServer.StoredObject o = gcs.object("models", "gale/recvae/run1/a.bin");
        assertThat(o.data()).isEqualTo(Files.readAllBytes(f));
        assertThat(o.metadata()).containsEntry("sha256", a.sha256());
        assertThat(count("POST", "uploadType=multipart")).isEqualTo(1);
        assertThat(gcs.requests()).filteredOn(r -> r.method().equals("POST"))
                .allSatisfy(r -> assertThat(r.query()).contains("ifGenerationMatch=0"));

        Path back = tmp.resolve("down/a.bin");
        assertThat(store.get("recvae/run1/a.bin", back)).isEqualTo(a);
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(f));
        assertThat(store.get("recvae/run1/a.bin", tmp.resolve("b.bin"), a.sha256()).sha256()).isEqualTo(a.sha256());
        assertThat(store.exists("recvae/run1/a.bin")).isTrue();
        assertThat(store.key(a.uri())).isEqualTo("recvae/run1/a.bin");
    }

    @Test
    void largeFileGoesInAResumableSession() throws IOException {
        Path f = file("big.bin", 3 * FakeGcsServer.QUANTUM + 123, 2);

        StoredArtifact a = store.put("recvae/run1/big.bin", f);

        assertThat(count("POST", "uploadType=resumable")).isEqualTo(1);
        assertThat(count("POST", "uploadType=multipart")).isZero();
        assertThat(gcs.object("models", "gale/recvae/run1/big.bin").data()).isEqualTo(Files.readAllBytes(f));
        assertThat(a.crc32c()).isEqualTo(Checksums.of(f).crc32c());
    }

    @Test
    void retriedUploadFindsItsOwnObjectAndOtherBytesAreRefused() throws IOException {
        Path f = file("a.bin", 5_000, 3);
        StoredArtifact first = store.put("k/a.bin", f);
        long generation = gcs.object("models", "gale/k/a.bin").generation();

        assertThat(store.put("k/a.bin", f)).isEqualTo(first);

        Path other = file("other.bin", 5_000, 4);
        assertThatThrownBy(() -> store.put("k/a.bin", other))
                .isInstanceOf(ArtifactExistsException.class)
                .hasMessageStartingWith("gs://models/gale/k/a.bin: already holds other bytes");
        assertThat(gcs.object("models", "gale/k/a.bin").generation()).isEqualTo(generation);
        assertThat(gcs.object("models", "gale/k/a.bin").data()).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void serviceUnavailableIsRetried() throws IOException {
        Path small = file("a.bin", 1_000, 5);
        Path big = file("big.bin", 2 * FakeGcsServer.QUANTUM + 7, 6);
        gcs.inject(new Fault(Request::isUpload, Action.STATUS, 503, 0));
        gcs.inject(new Fault(Request::isUpload, Action.STATUS, 503, 0));

        store.put("k/a.bin", small);
        assertThat(count("POST", "uploadType=multipart")).isEqualTo(3);

        gcs.inject(new Fault(r -> r.method().equals("PUT"), Action.STATUS, 503, 0));
        store.put("k/big.bin", big);
        assertThat(gcs.object("models", "gale/k/big.bin").data()).isEqualTo(Files.readAllBytes(big));

        gcs.inject(new Fault(r -> r.method().equals("GET"), Action.STATUS, 503, 0));
        Path back = tmp.resolve("back.bin");
        store.get("k/a.bin", back);
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(small));
    }

    @Test
    void connectionCutMidUploadResumesTheSession() throws IOException {
        Path f = file("big.bin", 4 * FakeGcsServer.QUANTUM + 99, 7);
        gcs.inject(new Fault(r -> r.method().equals("PUT"), Action.CUT_MID_BODY, 0, 2 * FakeGcsServer.QUANTUM + 1000));

        StoredArtifact a = store.put("k/big.bin", f);

        assertThat(gcs.object("models", "gale/k/big.bin").data()).isEqualTo(Files.readAllBytes(f));
        assertThat(a.sha256()).isEqualTo(Checksums.of(f).sha256());
        assertThat(count("POST", "uploadType=resumable")).as("one session, resumed").isEqualTo(1);
        assertThat(count("PUT", "upload_id=")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void answerLostAfterCommitIsAnUploadThatFinished() throws IOException {
        Path f = file("a.bin", 2_000, 8);
        gcs.inject(new Fault(Request::isUpload, Action.CUT_AFTER_COMMIT, 0, 0));

        StoredArtifact a = store.put("k/a.bin", f);

        assertThat(count("POST", "uploadType=multipart")).as("retried, then refused as existing").isEqualTo(2);
        assertThat(a.sha256()).isEqualTo(Checksums.of(f).sha256());
    }

    @Test
    void missingBucketAndNoPermissionNameTheUri() throws IOException {
        Path f = file("a.bin", 100, 9);
        ArtifactStore missing = new GcsArtifactStore(storage(gcs.endpoint()), URI.create("gs://nope/x"), THRESHOLD);
        assertThatThrownBy(() -> missing.put("m/a.bin", f))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("gs://nope/x/m/a.bin: cannot upload a.bin: bucket 'nope' does not exist (404)");

        gcs.createBucket("locked");
        gcs.forbid("locked");
        ArtifactStore locked = new GcsArtifactStore(storage(gcs.endpoint()), URI.create("gs://locked/"), THRESHOLD);
        assertThatThrownBy(() -> locked.put("m/a.bin", f))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessageStartingWith("gs://locked/m/a.bin: cannot upload a.bin: permission denied (403)");
        assertThat(gcs.object("locked", "m/a.bin")).isNull();
    }

    @Test
    void unreachableServiceGivesUpAfterItsRetriesNamingTheUri() throws IOException {
        Path f = file("a.bin", 100, 13);
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Connection conn = new Connection("gcs_down", "google_cloud_platform", null, null, null, null, null,
                Map.of("endpoint", "http://127.0.0.1:" + port, "max_attempts", "2", "initial_retry_delay_ms", "10"));
        ArtifactStore down = ArtifactStores.open(URI.create("gs://models/x"), conn);
        assertThatThrownBy(() -> down.put("a.bin", f))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessageStartingWith("gs://models/x/a.bin: cannot upload a.bin: cannot reach the service (ConnectException");
    }

    @Test
    void corruptObjectIsNotHandedOut() throws IOException {
        Path f = file("a.bin", 3_000, 10);
        StoredArtifact a = store.put("k/a.bin", f);
        Path target = tmp.resolve("model/a.bin");

        assertThatThrownBy(() -> store.get("k/a.bin", target, "00" + a.sha256().substring(2)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("gs://models/gale/k/a.bin: checksum mismatch");
        assertThat(target).doesNotExist();

        gcs.corrupt("models", "gale/k/a.bin");
        assertThatThrownBy(() -> store.get("k/a.bin", target))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessageStartingWith("gs://models/gale/k/a.bin: ")
                .hasMessageContaining("mismatch");
        assertThat(target).doesNotExist();
        assertThat(Files.list(target.getParent())).isEmpty();
    }

    @Test
    void listAndDelete() throws IOException {
        Path f = file("a.bin", 100, 11);
        store.put("m/1/a.bin", f);
        store.put("m/1/b.bin", f);
        store.put("m/2/a.bin", f);
        gcs.createBucket("models");

        assertThat(store.list("m/1/")).extracting(StoredArtifact::key).containsExactly("m/1/a.bin", "m/1/b.bin");
        assertThat(store.list("")).hasSize(3);
        assertThat(store.delete("m/1/a.bin")).isTrue();
        assertThat(store.delete("m/1/a.bin")).isFalse();
        assertThat(store.find("m/1/a.bin")).isEmpty();
        assertThatThrownBy(() -> store.get("m/1/a.bin", tmp.resolve("x")))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("gs://models/gale/m/1/a.bin: no such artifact");
    }

    @Test
    void providerOpensTheLocationFromAConnection() throws IOException {
        Connection conn = new Connection("gcs_test", "google_cloud_platform", null, null, null, null, null,
                Map.of("endpoint", gcs.endpoint(), "project", "p", "initial_retry_delay_ms", "10"));
        ArtifactStore s = ArtifactStores.open(URI.create("gs://models/p"), conn);
        assertThat(s).isInstanceOf(GcsArtifactStore.class);
        assertThat(s.put("a.bin", file("a.bin", 10, 12)).uri()).isEqualTo(URI.create("gs://models/p/a.bin"));

        Path key = Files.writeString(tmp.resolve("key.json"), "{\"type\": \"service_account\", \"private_key\": \"SECRET-MATERIAL\"}");
        Connection bad = new Connection("gcs_bad", "google_cloud_platform", null, null, null, null, null,
                Map.of("key_path", key.toString()));
        assertThatThrownBy(() -> ArtifactStores.open(URI.create("gs://models/p"), bad))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessageContaining("connection 'gcs_bad': cannot read the service-account key file " + key)
                .message().doesNotContain("SECRET");
    }
}
