package io.gale.api;

import java.net.URI;

/** There is no object (or no bucket) at the URI. */
public final class ArtifactNotFoundException extends ArtifactStoreException {

    public ArtifactNotFoundException(URI uri, String problem) {
        super(uri, problem);
    }
}
