package io.gale.operators.models;

import io.gale.api.ModelVersion;
import io.gale.operators.recsys.artifact.RecVaeRecommender;
import java.time.Instant;

/** A loaded, checked model version: what requests are answered with until the next swap. */
public record ServedModel(ModelVersion version, RecVaeRecommender recommender, Instant loadedAt) {
}
