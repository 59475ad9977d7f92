package io.gale.operators.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStores;
import io.gale.api.StoredArtifact;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FileArtifactStoreTest extends ArtifactStoreContract {

    private ArtifactStore store;

    @BeforeEach
    void open() {
        store = ArtifactStores.open(tmp.resolve("artifacts").toUri(), null);
    }

    @Override
    ArtifactStore store() {
        return store;
    }

    @Override
    void corrupt(String key) throws IOException {
        Path p = Path.of(store.uri(key));
        byte[] b = Files.readAllBytes(p);
        b[b.length / 2] ^= 0x5a;
        Files.write(p, b);
    }

    @Test
    void objectsAreFilesUnderTheRootWithTheirChecksumsBeside() throws IOException {
        assertThat(store).isInstanceOf(FileArtifactStore.class);
        StoredArtifact a = store.put("recvae/dag/run/m.safetensors", Files.writeString(tmp.resolve("m"), "weights"));

        Path stored = tmp.resolve("artifacts/recvae/dag/run/m.safetensors");
        assertThat(a.uri()).isEqualTo(stored.toUri());
        assertThat(stored).hasContent("weights");
        try (var files = Files.list(stored.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("m.safetensors", ".m.safetensors.checksums");
        }
        assertThat(store.key(URI.create("file:" + stored))).as("file:/x is file:///x").isEqualTo("recvae/dag/run/m.safetensors");
    }

    @Test
    void missingSourceAndUnknownSchemesAreNamed() {
        assertThatThrownBy(() -> store.put("k/x", tmp.resolve("missing")))
                .isInstanceOf(ArtifactStoreException.class).hasMessageContaining("no such file");
        assertThatThrownBy(() -> ArtifactStores.open(URI.create("s3://bucket/x"), null))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessage("s3://bucket/x: no artifact store for scheme 's3' on the class path "
                        + "(module gale-operators-artifacts provides file and gs)");
    }
}
