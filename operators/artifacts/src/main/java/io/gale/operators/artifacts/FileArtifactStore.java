package io.gale.operators.artifacts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.api.ArtifactExistsException;
import io.gale.api.ArtifactKeys;
import io.gale.api.ArtifactNotFoundException;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ChecksumMismatchException;
import io.gale.api.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Artifacts as files below a local directory. An object appears under its key in one step (a hard
 * link from a finished temporary file, which fails when the name is taken), so readers never see
 * a partial file and nothing is overwritten. Its checksums are kept beside it in
 * {@code .<name>.checksums} (JSON), written after the object; an object without one (a crash in
 * between) has its checksums computed from its bytes.
 */
public final class FileArtifactStore implements ArtifactStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final URI root;

    /** The store below {@code dir} (created on first upload). */
    public FileArtifactStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        String u = this.dir.toUri().toString();
        this.root = URI.create(u.endsWith("/") ? u : u + "/");
    }

    @Override
    public URI root() {
        return root;
    }

    @Override
    public StoredArtifact put(String key, Path file) {
        URI uri = uri(key);
        Path target = path(key);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Checksums.Sums sums;
            try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(tmp)) {
                sums = Checksums.copy(in, out);
            }
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                StoredArtifact existing = find(key).orElseThrow(() -> new ArtifactStoreException(uri, "vanished while being compared"));
                if (existing.sha256().equals(sums.sha256()) && existing.size() == sums.size()) {
                    return existing;
                }
                throw new ArtifactExistsException(uri, "already holds other bytes (SHA-256 " + existing.sha256()
                        + ", this upload " + sums.sha256() + "); artifacts are never overwritten: delete it or use another key");
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, target); // no hard links here: move fails when the target exists
                tmp = null;
            }
            writeChecksums(target, sums);
            return new StoredArtifact(key, uri, sums.size(), sums.sha256(), sums.crc32c());
        } catch (NoSuchFileException e) {
            throw new ArtifactStoreException(uri, "cannot upload " + file + ": no such file " + e.getFile());
        } catch (AccessDeniedException e) {
            throw new ArtifactStoreException(uri, "permission denied on " + e.getFile());
        } catch (IOException e) {
            throw new ArtifactStoreException(uri, "cannot upload " + file + ": " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public StoredArtifact get(String key, Path target) {
        StoredArtifact a = find(key).orElseThrow(() -> new ArtifactNotFoundException(uri(key), "no such artifact"));
        Path tmp = target.toAbsolutePath().resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(tmp.getParent());
            Checksums.Sums sums;
            try (InputStream in = Files.newInputStream(path(key)); OutputStream out = Files.newOutputStream(tmp)) {
                sums = Checksums.copy(in, out);
            }
            if (!sums.sha256().equals(a.sha256()) || !sums.crc32c().equals(a.crc32c()) || sums.size() != a.size()) {
                throw new ChecksumMismatchException(a.uri(), "read " + sums.size() + " bytes with SHA-256 " + sums.sha256()
                        + ", stored " + a.size() + " bytes with SHA-256 " + a.sha256());
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return a;
        } catch (NoSuchFileException e) {
            throw new ArtifactNotFoundException(a.uri(), "no such artifact");
        } catch (IOException e) {
            throw new ArtifactStoreException(a.uri(), "cannot download to " + target + ": " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public Optional<StoredArtifact> find(String key) {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            Path sumsFile = checksumsOf(p);
            Checksums.Sums sums = Files.exists(sumsFile)
                    ? JSON.readValue(sumsFile.toFile(), Checksums.Sums.class) : Checksums.of(p);
            return Optional.of(new StoredArtifact(key, uri(key), sums.size(), sums.sha256(), sums.crc32c()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ArtifactStoreException(uri(key), "cannot read: " + e, e);
        }
    }

    @Override
    public List<StoredArtifact> list(String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<StoredArtifact> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String key = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix) && isKey(key)) {
                    find(key).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new ArtifactStoreException(root, "cannot list: " + e, e);
        }
        out.sort(Comparator.comparing(StoredArtifact::key));
        return out;
    }

    @Override
    public boolean delete(String key) {
        Path p = path(key);
        try {
            Files.deleteIfExists(checksumsOf(p));
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new ArtifactStoreException(uri(key), "cannot delete: " + e, e);
        }
    }

    private Path path(String key) {
        return dir.resolve(ArtifactKeys.check(key));
    }

    private static boolean isKey(String key) {
        try {
            ArtifactKeys.check(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Path checksumsOf(Path object) {
        return object.resolveSibling("." + object.getFileName() + ".checksums");
    }

    private static void writeChecksums(Path object, Checksums.Sums sums) throws IOException {
        Path tmp = object.resolveSibling("." + object.getFileName() + "." + UUID.randomUUID() + ".checksums.tmp");
        try {
            JSON.writeValue(tmp.toFile(), sums);
            Files.move(tmp, checksumsOf(object), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temporary file; never listed (its name starts with '.')
            }
        }
    }
}
