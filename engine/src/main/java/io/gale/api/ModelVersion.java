package io.gale.api;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * A registered model version. {@code storageUri} is where a later upload put the artifact
 * ({@code null} until then); {@code current} marks the version to serve.
 */
public record ModelVersion(String name, int version, double score, Map<String, Double> metrics, URI artifactUri,
                           URI storageUri, Instant dataIntervalStart, Instant dataIntervalEnd, Instant createdAt,
                           ModelStage stage, boolean current) {

    public ModelVersion {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
