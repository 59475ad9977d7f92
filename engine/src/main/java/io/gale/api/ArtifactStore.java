package io.gale.api;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Where model artifacts are kept: files under string keys ({@code recvae/recvae_batch_train/run/x.safetensors})
 * below a root location ({@code file:///home/gale/artifacts/} or {@code gs://bucket/prefix/}).
 * An object is written once and never overwritten; its SHA-256 and CRC32C are kept with it and
 * checked on every download. Reached from a task through {@link TaskContext#artifacts()}; opened
 * elsewhere with {@link ArtifactStores#open(URI, Connection)}.
 *
 * <p>Errors are {@link ArtifactStoreException}s whose one-line message names the object's URI.
 */
public interface ArtifactStore {

    /** The root location, ending with {@code /}. */
    URI root();

    /** The URI of {@code key} below the root. */
    default URI uri(String key) {
        return URI.create(root() + ArtifactKeys.check(key));
    }

    /**
     * The key of {@code uri} below the root.
     *
     * @throws ArtifactStoreException when {@code uri} is not below the root
     */
    default String key(URI uri) {
        String r = root().toString();
        String u = uri.toString();
        if (u.startsWith("file:/") && !u.startsWith("file://")) {
            u = "file://" + u.substring("file:".length()); // file:/x is file:///x
        }
        if (!u.startsWith(r) || u.length() == r.length()) {
            throw new ArtifactStoreException(uri, "is not below the artifact store " + r);
        }
        return ArtifactKeys.check(u.substring(r.length()));
    }

    /**
     * Stores the local file {@code file} under {@code key}, never overwriting. When the object is
     * already there with the same bytes (a retried task finding its own finished upload), returns
     * it as it is.
     *
     * @throws ArtifactExistsException when the object is there with other bytes
     * @throws ArtifactStoreException  when the location is missing or not writable, naming the URI
     */
    StoredArtifact put(String key, Path file);

    /**
     * Downloads {@code key} into {@code target} (replaced when the download is complete and its
     * checksums match the stored ones); a partial or corrupt download never appears at {@code target}.
     *
     * @throws ArtifactNotFoundException when there is no such object
     * @throws ChecksumMismatchException when the bytes do not match the stored checksums
     */
    StoredArtifact get(String key, Path target);

    /**
     * As {@link #get(String, Path)}, and also requires the SHA-256 {@code expectedSha256} (lower-case
     * hex, as the registry records it; {@code null} to check only the stored checksums).
     */
    default StoredArtifact get(String key, Path target, String expectedSha256) {
        Path tmp = target.resolveSibling(target.getFileName() + ".part-verify");
        StoredArtifact a = get(key, tmp);
        try {
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(a.sha256())) {
                throw new ChecksumMismatchException(a.uri(), "SHA-256 " + a.sha256() + ", expected " + expectedSha256);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            return a;
        } catch (IOException e) {
            throw new ArtifactStoreException(a.uri(), "cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a leftover temporary file next to the target
            }
        }
    }

    /** The object under {@code key} with its checksums, if it exists. */
    Optional<StoredArtifact> find(String key);

    /** Whether an object is stored under {@code key}. */
    default boolean exists(String key) {
        return find(key).isPresent();
    }

    /** The objects whose keys start with {@code prefix} (empty for all), sorted by key. */
    List<StoredArtifact> list(String prefix);

    /** Deletes the object under {@code key}; false when there was none. */
    boolean delete(String key);
}
