package io.gale.operators.artifacts;

import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStoreProvider;
import io.gale.api.Connection;
import java.net.URI;
import java.nio.file.Path;

/** Opens {@code file:///path/} locations as {@link FileArtifactStore}s; needs no connection. */
public final class FileArtifactStoreProvider implements ArtifactStoreProvider {

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public ArtifactStore open(URI root, Connection connection) {
        if (root.getAuthority() != null && !root.getAuthority().isEmpty()) {
            throw new ArtifactStoreException(root, "a file location has no host: write file:///absolute/path");
        }
        return new FileArtifactStore(Path.of(root));
    }
}
