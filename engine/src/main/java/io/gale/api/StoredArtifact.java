package io.gale.api;

import java.net.URI;
import java.util.Objects;

/**
 * An object in an {@link ArtifactStore}.
 *
 * @param key    its key below the store's root
 * @param uri    its full location ({@code gs://bucket/prefix/key}, {@code file:///...})
 * @param size   bytes
 * @param sha256 lower-case hex SHA-256 of the bytes
 * @param crc32c base64 of the big-endian CRC32C of the bytes (Cloud Storage's form)
 */
public record StoredArtifact(String key, URI uri, long size, String sha256, String crc32c) {

    public StoredArtifact {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(uri, "uri");
    }
}
