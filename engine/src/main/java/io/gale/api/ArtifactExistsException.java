package io.gale.api;

import java.net.URI;

/** An upload found another object with other bytes under its key; objects are never overwritten. */
public final class ArtifactExistsException extends ArtifactStoreException {

    public ArtifactExistsException(URI uri, String problem) {
        super(uri, problem);
    }
}
