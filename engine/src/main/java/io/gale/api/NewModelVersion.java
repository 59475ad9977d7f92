package io.gale.api;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A model to register: its name, the score that decides whether it becomes current (higher is
 * better), its metrics, where the artifact is, and the data interval it was trained for.
 */
public record NewModelVersion(String name, double score, Map<String, Double> metrics, URI artifactUri,
                              Instant dataIntervalStart, Instant dataIntervalEnd) {

    public NewModelVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(artifactUri, "artifactUri");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name must not be empty");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("model '" + name + "': score must be a finite number, got " + score);
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
