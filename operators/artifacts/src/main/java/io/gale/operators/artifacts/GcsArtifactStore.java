package io.gale.operators.artifacts;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.gale.api.ArtifactExistsException;
import io.gale.api.ArtifactNotFoundException;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ChecksumMismatchException;
import io.gale.api.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Artifacts in a Cloud Storage bucket below a prefix ({@code gs://bucket/prefix/}), through the
 * Google client library. Uploads carry {@code ifGenerationMatch=0} (never overwrite) and the file's
 * CRC32C, which the service checks; the SHA-256 is kept in the object's metadata ({@code sha256}).
 * Files up to {@link #resumableThreshold} bytes go in one multipart request, larger ones in a
 * resumable session that survives a cut connection. The client retries 5xx answers and broken
 * connections of these idempotent calls; when a retried upload finds its own object already
 * finished (the same SHA-256) it succeeds.
 */
public final class GcsArtifactStore implements ArtifactStore {

    /** Uploads larger than this (bytes) use a resumable session by default. */
    public static final long DEFAULT_RESUMABLE_THRESHOLD = 8L << 20;

    static final String SHA256 = "sha256";

    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final URI root;
    private final long resumableThreshold;

    /**
     * @param storage            a client (its credentials and endpoint)
     * @param root               {@code gs://bucket/} or {@code gs://bucket/prefix/}
     * @param resumableThreshold files larger than this many bytes are sent in a resumable session
     */
    public GcsArtifactStore(Storage storage, URI root, long resumableThreshold) {
        if (!"gs".equalsIgnoreCase(root.getScheme()) || root.getHost() == null || root.getHost().isEmpty()) {
            throw new ArtifactStoreException(root, "a Cloud Storage location looks like gs://bucket/prefix");
        }
        this.storage = storage;
        this.bucket = root.getHost();
        String path = root.getPath() == null ? "" : root.getPath();
        String p = path.startsWith("/") ? path.substring(1) : path;
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.root = URI.create("gs://" + bucket + "/" + prefix);
        this.resumableThreshold = resumableThreshold;
    }

    @Override
    public URI root() {
        return root;
    }

    @Override
    public StoredArtifact put(String key, Path file) {
        URI uri = uri(key);
        Checksums.Sums sums;
        try {
            sums = Checksums.of(file);
        } catch (NoSuchFileException e) {
            throw new ArtifactStoreException(uri, "cannot upload " + file + ": no such file");
        } catch (IOException e) {
            throw new ArtifactStoreException(uri, "cannot read " + file + ": " + e, e);
        }
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, prefix + key))
                .setContentType("application/octet-stream")
                .setCrc32c(sums.crc32c())
                .setMetadata(Map.of(SHA256, sums.sha256()))
                .build();
        Blob blob;
        try {
            if (sums.size() > resumableThreshold) {
                blob = storage.createFrom(info, file, Storage.BlobWriteOption.doesNotExist(),
                        Storage.BlobWriteOption.crc32cMatch());
            } else {
                blob = storage.create(info, Files.readAllBytes(file), Storage.BlobTargetOption.doesNotExist());
            }
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                return existing(key, uri, sums);
            }
            throw failure(uri, "cannot upload " + file.getFileName(), e);
        } catch (IOException e) {
            throw new ArtifactStoreException(uri, "cannot upload " + file.getFileName() + ": " + e, e);
        }
        StoredArtifact a = artifact(key, blob);
        if (!sums.crc32c().equals(a.crc32c()) || !sums.sha256().equals(a.sha256())) {
            throw new ChecksumMismatchException(uri, "uploaded object has CRC32C " + a.crc32c() + ", the file " + sums.crc32c());
        }
        return a;
    }

    /** The object a retried upload found under its key: its own finished upload, or someone else's bytes. */
    private StoredArtifact existing(String key, URI uri, Checksums.Sums sums) {
        StoredArtifact a = find(key).orElseThrow(() -> new ArtifactStoreException(uri,
                "the service refused the upload as existing (412) but the object is not there"));
        if (sums.crc32c().equals(a.crc32c()) && sums.sha256().equals(a.sha256()) && sums.size() == a.size()) {
            return a;
        }
        throw new ArtifactExistsException(uri, "already holds other bytes (SHA-256 " + a.sha256() + ", this upload "
                + sums.sha256() + "); artifacts are never overwritten: delete it or use another key");
    }

    @Override
    public StoredArtifact get(String key, Path target) {
        URI uri = uri(key);
        Blob blob = blob(key).orElseThrow(() -> new ArtifactNotFoundException(uri, "no such artifact"));
        StoredArtifact a = artifact(key, blob);
        Path tmp = target.toAbsolutePath().resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(tmp.getParent());
            Checksums.Sums sums;
            // pinned to the generation whose checksums were read
            try (ReadChannel ch = storage.reader(blob.getBlobId(), Storage.BlobSourceOption.generationMatch(blob.getGeneration()));
                 InputStream in = Channels.newInputStream(ch); OutputStream out = Files.newOutputStream(tmp)) {
                ch.setChunkSize(2 << 20);
                sums = Checksums.copy(in, out);
            }
            if (!sums.crc32c().equals(a.crc32c()) || (a.sha256() != null && !sums.sha256().equals(a.sha256()))
                    || sums.size() != a.size()) {
                throw new ChecksumMismatchException(uri, "read " + sums.size() + " bytes with CRC32C " + sums.crc32c()
                        + ", stored " + a.size() + " bytes with CRC32C " + a.crc32c());
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            // an object written by another tool has no sha256 in its metadata: give the one just computed
            return a.sha256() != null ? a : new StoredArtifact(key, a.uri(), a.size(), sums.sha256(), a.crc32c());
        } catch (StorageException e) {
            throw failure(uri, "cannot download", e);
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException se) {
                throw failure(uri, "cannot download", se);
            }
            throw new ArtifactStoreException(uri, "cannot download to " + target + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover partial download beside the target
            }
        }
    }

    @Override
    public Optional<StoredArtifact> find(String key) {
        return blob(key).map(b -> artifact(key, b));
    }

    private Optional<Blob> blob(String key) {
        try {
            return Optional.ofNullable(storage.get(BlobId.of(bucket, prefix + io.gale.api.ArtifactKeys.check(key))));
        } catch (StorageException e) {
            throw failure(uri(key), "cannot read metadata", e);
        }
    }

    @Override
    public List<StoredArtifact> list(String keyPrefix) {
        List<StoredArtifact> out = new ArrayList<>();
        try {
            Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(prefix + keyPrefix));
            for (Blob b : page.iterateAll()) {
                out.add(artifact(b.getName().substring(prefix.length()), b));
            }
        } catch (StorageException e) {
            throw failure(URI.create(root + keyPrefix), "cannot list", e);
        }
        out.sort(Comparator.comparing(StoredArtifact::key));
        return out;
    }

    @Override
    public boolean delete(String key) {
        try {
            return storage.delete(BlobId.of(bucket, prefix + io.gale.api.ArtifactKeys.check(key)));
        } catch (StorageException e) {
            throw failure(uri(key), "cannot delete", e);
        }
    }

    private StoredArtifact artifact(String key, Blob b) {
        Map<String, String> md = b.getMetadata();
        return new StoredArtifact(key, URI.create(root + key), b.getSize() == null ? 0 : b.getSize(),
                md == null ? null : md.get(SHA256), b.getCrc32c());
    }

    /** A one-line error naming the URI and what to check; never includes credentials. */
    private ArtifactStoreException failure(URI uri, String what, StorageException e) {
        return switch (e.getCode()) {
            case 404 -> new ArtifactNotFoundException(uri, what + ": bucket '" + bucket + "' does not exist (404)");
            case 401, 403 -> new ArtifactStoreException(uri, what + ": permission denied (" + e.getCode()
                    + "); check the credentials of the artifact store's connection", e);
            case 400 -> e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("crc32c")
                    ? new ChecksumMismatchException(uri, "the service rejected the upload: " + e.getMessage())
                    : new ArtifactStoreException(uri, what + ": " + e.getMessage() + " (400)", e);
            default -> e.getCode() <= 0 && e.getCause() != null
                    ? new ArtifactStoreException(uri, what + ": cannot reach the service ("
                            + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + ")", e)
                    : new ArtifactStoreException(uri, what + ": " + e.getMessage() + " (" + e.getCode() + ")", e);
        };
    }
}
