package io.gale.operators.models;

import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStores;
import io.gale.api.Connection;
import io.gale.operators.recsys.artifact.StoredModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the model server gets a version's artifact: a local path for the registry's URI.
 * {@link #local()} reads {@code file://} URIs and plain paths in place; {@link #stores} also
 * downloads from any artifact store on the class path ({@code gs://} and others). The server
 * verifies the registry's SHA-256 of the returned file before loading it, and calls
 * {@link #release} once the model is in memory (or failed to load).
 */
@FunctionalInterface
public interface ArtifactLoader {

    /**
     * A local file with the artifact's weights; its sidecar ({@code .json}) beside it.
     *
     * @throws ModelLoadException when the URI cannot be read
     */
    Path fetch(URI uri);

    /** Frees what {@link #fetch} made for {@code weights} (a downloaded copy); nothing by default. */
    default void release(Path weights) {
    }

    /** {@code file://} URIs and plain paths, read in place; any other scheme is refused naming the URI. */
    static ArtifactLoader local() {
        return uri -> {
            Path p = localPath(uri);
            if (p == null) {
                throw new ModelLoadException("cannot read " + uri + ": this server reads file:// artifacts only"
                        + " (no artifact store for '" + uri.getScheme() + "' is installed)");
            }
            return p;
        };
    }

    /**
     * {@code file://} URIs and plain paths in place; any other URI ({@code gs://bucket/key}) through the
     * {@link ArtifactStore} for its scheme (rooted at the bucket, opened with {@code connection}, or the
     * store's defaults when null), downloaded with its sidecar into a fresh folder under
     * {@code downloads} and checked against the store's checksums; the folder is deleted on
     * {@link #release}. A missing object, a checksum mismatch or a refused download is a
     * {@link ModelLoadException} naming the URI.
     */
    static ArtifactLoader stores(Connection connection, Path downloads) {
        return new ArtifactLoader() {
            @Override
            public Path fetch(URI uri) {
                Path p = localPath(uri);
                if (p != null) {
                    return p;
                }
                if (uri.getScheme() == null || uri.getAuthority() == null) {
                    throw new ModelLoadException("cannot read " + uri + ": not a file:// path or a store URI like gs://bucket/key");
                }
                Path dir = null;
                try {
                    Files.createDirectories(downloads);
                    dir = Files.createTempDirectory(downloads, "version-");
                    ArtifactStore store = ArtifactStores.open(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/"), connection);
                    return StoredModel.download(store, uri, null, dir);
                } catch (ArtifactStoreException e) {
                    delete(dir);
                    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    throw new ModelLoadException(m.contains(uri.toString()) ? "cannot download: " + m : "cannot download " + uri + ": " + m, e);
                } catch (IOException e) {
                    delete(dir);
                    throw new ModelLoadException("cannot download " + uri + ": no folder for it under " + downloads + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void release(Path weights) {
                Path dir = weights.getParent();
                if (dir != null && dir.getParent() != null && dir.getParent().equals(downloads)) {
                    delete(dir);
                }
            }
        };
    }

    /** The local file of a {@code file:} URI or a plain path, else null. */
    private static Path localPath(URI uri) {
        if (uri.getScheme() == null) {
            return Path.of(uri.getPath());
        }
        return uri.getScheme().equals("file") ? Path.of(uri) : null;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover download folder
        }
    }
}
