package io.gale.api;

import java.net.URI;

/** An artifact store operation failed; the message names the object's or the location's URI. */
public class ArtifactStoreException extends RuntimeException {

    private final URI uri;

    public ArtifactStoreException(URI uri, String problem) {
        super(uri + ": " + problem);
        this.uri = uri;
    }

    public ArtifactStoreException(URI uri, String problem, Throwable cause) {
        super(uri + ": " + problem, cause);
        this.uri = uri;
    }

    /** The object or location the operation was about. */
    public URI uri() {
        return uri;
    }
}
