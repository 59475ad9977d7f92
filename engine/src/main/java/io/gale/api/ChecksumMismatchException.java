package io.gale.api;

import java.net.URI;

/** Downloaded or uploaded bytes do not match the checksum kept with the object: the bytes must not be used. */
public final class ChecksumMismatchException extends ArtifactStoreException {

    public ChecksumMismatchException(URI uri, String problem) {
        super(uri, "checksum mismatch: " + problem);
    }
}
