package io.gale.operators.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.ArtifactExistsException;
import io.gale.api.ArtifactNotFoundException;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStores;
import io.gale.api.ChecksumMismatchException;
import io.gale.api.StoredArtifact;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest {

    @TempDir
    Path tmp;

    @Test
    void putGetListDelete() throws IOException {
        ArtifactStore store = ArtifactStores.open(tmp.resolve("artifacts").toUri(), null);
        assertThat(store).isInstanceOf(FileArtifactStore.class);
        Path f = Files.writeString(tmp.resolve("m.safetensors"), "weights");

        StoredArtifact a = store.put("recvae/dag/run/m.safetensors", f);

        assertThat(a.uri()).isEqualTo(tmp.resolve("artifacts/recvae/dag/run/m.safetensors").toUri());
        assertThat(a.sha256()).isEqualTo(Checksums.of(f).sha256());
        assertThat(Files.readString(Path.of(a.uri()))).isEqualTo("weights");
        Path back = tmp.resolve("back/m.safetensors");
        assertThat(store.get(store.key(a.uri()), back)).isEqualTo(a);
        assertThat(Files.readString(back)).isEqualTo("weights");
        store.put("recvae/dag/run2/m.safetensors", f);
        assertThat(store.list("recvae/dag/run/")).containsExactly(a);
        assertThat(store.list("")).extracting(StoredArtifact::key)
                .containsExactly("recvae/dag/run/m.safetensors", "recvae/dag/run2/m.safetensors");
        assertThat(store.delete("recvae/dag/run/m.safetensors")).isTrue();
        assertThat(store.exists("recvae/dag/run/m.safetensors")).isFalse();
        assertThatThrownBy(() -> store.get("recvae/dag/run/m.safetensors", back))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void neverOverwritesAndARetryWithTheSameBytesSucceeds() throws IOException {
        ArtifactStore store = new FileArtifactStore(tmp.resolve("a"));
        Path f = Files.writeString(tmp.resolve("f"), "one");
        StoredArtifact a = store.put("k/f", f);

        assertThat(store.put("k/f", f)).isEqualTo(a);
        Path g = Files.writeString(tmp.resolve("g"), "two");
        assertThatThrownBy(() -> store.put("k/f", g))
                .isInstanceOf(ArtifactExistsException.class)
                .hasMessageStartingWith(a.uri() + ": already holds other bytes");
        assertThat(Files.readString(Path.of(a.uri()))).isEqualTo("one");
        try (var files = Files.list(tmp.resolve("a/k"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("f", ".f.checksums");
        }
    }

    @Test
    void corruptFileIsNotHandedOut() throws IOException {
        ArtifactStore store = new FileArtifactStore(tmp.resolve("a"));
        StoredArtifact a = store.put("k/f", Files.writeString(tmp.resolve("f"), "model bytes"));
        Files.writeString(Path.of(a.uri()), "model bytez");
        Path target = tmp.resolve("t/f");

        assertThatThrownBy(() -> store.get("k/f", target))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageStartingWith(a.uri() + ": checksum mismatch");
        assertThat(target).doesNotExist();
    }

    @Test
    void badKeysAndLocations() {
        ArtifactStore store = new FileArtifactStore(tmp);
        assertThatThrownBy(() -> store.put("../x", tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> store.put("a/.hidden", tmp)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("k/x", tmp.resolve("missing")))
                .isInstanceOf(ArtifactStoreException.class).hasMessageContaining("no such file");
        assertThatThrownBy(() -> ArtifactStores.open(URI.create("s3://bucket/x"), null))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessage("s3://bucket/x: no artifact store for scheme 's3' on the class path "
                        + "(module gale-operators-artifacts provides file and gs)");
    }
}
