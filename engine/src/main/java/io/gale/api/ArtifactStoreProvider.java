package io.gale.api;

import java.net.URI;

/**
 * Opens {@link ArtifactStore}s for one URI scheme. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.gale.api.ArtifactStoreProvider});
 * module {@code gale-operators-artifacts} provides {@code file} and {@code gs}.
 */
public interface ArtifactStoreProvider {

    /** The URI scheme this provider opens, e.g. {@code gs}. */
    String scheme();

    /**
     * The store rooted at {@code root} (a URI of {@link #scheme()} ending with {@code /}).
     *
     * @param connection credentials and settings for the location, or {@code null} for the defaults
     *                   (for Cloud Storage: application-default credentials)
     */
    ArtifactStore open(URI root, Connection connection);
}
