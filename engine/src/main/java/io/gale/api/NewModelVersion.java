package io.gale.api;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A model to register: its name, the score that decides whether it becomes production (higher is
 * better), its metrics and hyper-parameters, where the artifact is and its SHA-256 (may be null),
 * the data interval it was trained for and the DAG run that produced it (both may be null).
 */
public record NewModelVersion(String name, double score, Map<String, Double> metrics, Map<String, Object> params,
                              URI artifactUri, String sha256, Instant dataIntervalStart, Instant dataIntervalEnd,
                              String dagId, String runId) {

    public NewModelVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(artifactUri, "artifactUri");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name must not be empty");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("model '" + name + "': score must be a finite number, got " + score);
        }
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("model '" + name + "': sha256 must be 64 lower-case hex digits");
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /** A version without params, checksum or producing run. */
    public NewModelVersion(String name, double score, Map<String, Double> metrics, URI artifactUri,
                           Instant dataIntervalStart, Instant dataIntervalEnd) {
        this(name, score, metrics, Map.of(), artifactUri, null, dataIntervalStart, dataIntervalEnd, null, null);
    }
}
