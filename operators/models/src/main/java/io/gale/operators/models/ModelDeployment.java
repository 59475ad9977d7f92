package io.gale.operators.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gale.api.ModelVersion;

/**
 * The body of a deployment webhook: {@code {model, version, uri, sha256, score, created_at}}.
 * {@code uri} is where the artifact is; {@code created_at} is ISO-8601.
 */
public record ModelDeployment(@JsonProperty("model") String model,
                              @JsonProperty("version") int version,
                              @JsonProperty("uri") String uri,
                              @JsonProperty("sha256") String sha256,
                              @JsonProperty("score") double score,
                              @JsonProperty("created_at") String createdAt) {

    /** The message for a registered version. */
    public static ModelDeployment of(ModelVersion v) {
        return new ModelDeployment(v.name(), v.version(), v.location().toString(), v.sha256(), v.score(),
                v.createdAt() == null ? null : v.createdAt().toString());
    }
}
