package io.gale.api;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * A registered model version. {@code stage} says whether it is served ({@link ModelStage#PRODUCTION},
 * at most one version per name), retired ({@code ARCHIVED}) or only registered ({@code NONE}).
 * {@code storageUri} is where an upload put the artifact ({@code null} until then), {@code sha256}
 * the artifact's checksum when known; {@code dagId}/{@code runId} name the run that produced it;
 * {@code promotedAt} is when it last became production and {@code rolledBackAt} when a rollback
 * took it out of production (both {@code null} when it never happened).
 */
public record ModelVersion(String name, int version, ModelStage stage, double score, Map<String, Double> metrics,
                           Map<String, Object> params, URI artifactUri, URI storageUri, String sha256,
                           Instant dataIntervalStart, Instant dataIntervalEnd, String dagId, String runId,
                           Instant createdAt, Instant promotedAt, Instant rolledBackAt) {

    public ModelVersion {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /** Whether this is the version to serve (stage production). */
    public boolean current() {
        return stage == ModelStage.PRODUCTION;
    }

    /** Where to load the artifact from: the uploaded copy when there is one, else where it was written. */
    public URI location() {
        return storageUri != null ? storageUri : artifactUri;
    }
}
