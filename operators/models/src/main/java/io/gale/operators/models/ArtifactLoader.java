package io.gale.operators.models;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the model server gets a version's artifact: a local path for the registry's URI. The
 * default, {@link #local()}, reads {@code file://} URIs and plain paths in place; an artifact store
 * (Cloud Storage, ...) plugs in here by downloading to a local file. The server verifies the
 * registry's SHA-256 of the returned file before loading it.
 */
@FunctionalInterface
public interface ArtifactLoader {

    /**
     * A local file with the artifact's weights; its sidecar ({@code .json}) beside it.
     *
     * @throws ModelLoadException when the URI cannot be read
     */
    Path fetch(URI uri);

    /** {@code file://} URIs and plain paths, read in place; any other scheme is refused naming the URI. */
    static ArtifactLoader local() {
        return uri -> {
            if (uri.getScheme() == null) {
                return Path.of(uri.getPath());
            }
            if (uri.getScheme().equals("file")) {
                return Path.of(uri);
            }
            throw new ModelLoadException("cannot read " + uri + ": this server reads file:// artifacts only"
                    + " (no artifact store for '" + uri.getScheme() + "' is installed)");
        };
    }
}
