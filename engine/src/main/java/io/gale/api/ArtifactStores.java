package io.gale.api;

import java.net.URI;
import java.util.ServiceLoader;

/** Opens an {@link ArtifactStore} for a location URI through the {@link ArtifactStoreProvider}s on the class path. */
public final class ArtifactStores {

    private ArtifactStores() {
    }

    /**
     * The store rooted at {@code root} ({@code file:///path/}, {@code gs://bucket/prefix}); a
     * missing trailing {@code /} is added.
     *
     * @param connection credentials for the location, or {@code null} for the provider's defaults
     * @throws ArtifactStoreException when no provider on the class path opens the URI's scheme
     */
    public static ArtifactStore open(URI root, Connection connection) {
        if (root.getScheme() == null) {
            throw new ArtifactStoreException(root, "artifact location needs a scheme, e.g. file:///path or gs://bucket/prefix");
        }
        URI dir = root.toString().endsWith("/") ? root : URI.create(root + "/");
        for (ClassLoader loader : new ClassLoader[] {ArtifactStoreProvider.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (ArtifactStoreProvider p : ServiceLoader.load(ArtifactStoreProvider.class, loader)) {
                if (p.scheme().equalsIgnoreCase(root.getScheme())) {
                    return p.open(dir, connection);
                }
            }
        }
        throw new ArtifactStoreException(root, "no artifact store for scheme '" + root.getScheme()
                + "' on the class path (module gale-operators-artifacts provides file and gs)");
    }
}
