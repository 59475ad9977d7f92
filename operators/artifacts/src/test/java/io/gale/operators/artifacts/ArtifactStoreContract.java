package io.gale.operators.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.ArtifactExistsException;
import io.gale.api.ArtifactNotFoundException;
import io.gale.api.ArtifactStore;
import io.gale.api.ChecksumMismatchException;
import io.gale.api.StoredArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ArtifactStore} does; each store's test extends this (as Quartz's AbstractJobStoreTest). */
abstract class ArtifactStoreContract {

    @TempDir
    Path tmp;

    /** The store under test (fresh for each test). */
    abstract ArtifactStore store();

    /** Changes the stored bytes of {@code key} behind the store's back, keeping its recorded checksums. */
    abstract void corrupt(String key) throws IOException;

    Path file(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(tmp.resolve(name), b);
    }

    @Test
    void putThenGetGivesTheSameBytesAndChecksums() throws IOException {
        Path f = file("a.bin", 10_000, 1);
        StoredArtifact a = store().put("recvae/dag/run/a.bin", f);

        assertThat(a.key()).isEqualTo("recvae/dag/run/a.bin");
        assertThat(a.uri()).isEqualTo(store().uri("recvae/dag/run/a.bin"));
        assertThat(store().key(a.uri())).isEqualTo("recvae/dag/run/a.bin");
        assertThat(a.size()).isEqualTo(10_000);
        assertThat(a.sha256()).isEqualTo(Checksums.of(f).sha256());
        assertThat(a.crc32c()).isEqualTo(Checksums.of(f).crc32c());
        assertThat(store().find("recvae/dag/run/a.bin")).contains(a);

        Path back = tmp.resolve("down/a.bin");
        assertThat(store().get("recvae/dag/run/a.bin", back)).isEqualTo(a);
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(f));
        Path again = tmp.resolve("down/b.bin");
        assertThat(store().get("recvae/dag/run/a.bin", again, a.sha256()).sha256()).isEqualTo(a.sha256());
        assertThat(again).exists();
    }

    @Test
    void aRetryWithTheSameBytesSucceedsAndOtherBytesAreRefused() throws IOException {
        Path f = file("a.bin", 5_000, 3);
        StoredArtifact first = store().put("k/a.bin", f);

        assertThat(store().put("k/a.bin", f)).isEqualTo(first);

        Path other = file("other.bin", 5_000, 4);
        assertThatThrownBy(() -> store().put("k/a.bin", other))
                .isInstanceOf(ArtifactExistsException.class)
                .hasMessageStartingWith(first.uri() + ": already holds other bytes");
        Path back = tmp.resolve("back.bin");
        store().get("k/a.bin", back);
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void corruptBytesOrAnUnexpectedChecksumAreNeverHandedOut() throws IOException {
        StoredArtifact a = store().put("k/a.bin", file("a.bin", 3_000, 10));
        Path target = tmp.resolve("model/a.bin");

        assertThatThrownBy(() -> store().get("k/a.bin", target, "00" + a.sha256().substring(2)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageStartingWith(a.uri() + ": checksum mismatch");
        assertThat(target).doesNotExist();

        corrupt("k/a.bin");
        assertThatThrownBy(() -> store().get("k/a.bin", target))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageStartingWith(a.uri() + ": checksum mismatch");
        assertThat(target).doesNotExist();
        try (var left = Files.list(target.getParent())) {
            assertThat(left).as("no partial download left behind").isEmpty();
        }
    }

    @Test
    void listAndDelete() throws IOException {
        Path f = file("a.bin", 100, 11);
        store().put("m/1/a.bin", f);
        store().put("m/1/b.bin", f);
        store().put("m/2/a.bin", f);

        assertThat(store().list("m/1/")).extracting(StoredArtifact::key).containsExactly("m/1/a.bin", "m/1/b.bin");
        assertThat(store().list("")).extracting(StoredArtifact::key).containsExactly("m/1/a.bin", "m/1/b.bin", "m/2/a.bin");
        assertThat(store().delete("m/1/a.bin")).isTrue();
        assertThat(store().delete("m/1/a.bin")).isFalse();
        assertThat(store().exists("m/1/a.bin")).isFalse();
        assertThat(store().find("m/1/a.bin")).isEmpty();
        assertThatThrownBy(() -> store().get("m/1/a.bin", tmp.resolve("x")))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(store().uri("m/1/a.bin") + ": no such artifact");
    }

    @Test
    void keysStayBelowTheRoot() {
        assertThatThrownBy(() -> store().put("../x", tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> store().put("a/.hidden", tmp)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().put("a//b", tmp)).isInstanceOf(IllegalArgumentException.class);
    }
}
