/**
 * Artifact stores: {@link io.gale.operators.artifacts.FileArtifactStore} for {@code file://} and
 * {@link io.gale.operators.artifacts.GcsArtifactStore} for {@code gs://bucket/prefix}, registered as
 * {@link io.gale.api.ArtifactStoreProvider}s so {@link io.gale.api.TaskContext#artifacts()} finds them.
 */
package io.gale.operators.artifacts;
