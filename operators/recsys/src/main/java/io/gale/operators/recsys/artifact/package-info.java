/**
 * Trained RecVAE models on disk and in use: the safetensors format
 * ({@link io.gale.operators.recsys.artifact.SafeTensors}), saving and loading a model with its JSON sidecar
 * ({@link io.gale.operators.recsys.artifact.RecVaeArtifacts}, {@link io.gale.operators.recsys.artifact.RecVaeSidecar}),
 * recommendations by raw item id ({@link io.gale.operators.recsys.artifact.RecVaeRecommender}) and the
 * {@code <model>_<score>} artifact name ({@link io.gale.operators.recsys.artifact.ArtifactName}). It builds on
 * {@code recsys.model}; bad files are a {@link io.gale.operators.recsys.artifact.ModelFormatException}.
 */
package io.gale.operators.recsys.artifact;
