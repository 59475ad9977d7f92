/**
 * RecVAE (Shenbin et al., WSDM 2020) in plain Java, and the operators of the
 * {@code recvae_batch_train} pipeline.
 *
 * <p>Data: {@link io.gale.operators.recsys.InteractionReader}, {@link io.gale.operators.recsys.Split}
 * (strong generalisation, read and written as a split directory),
 * {@link io.gale.operators.recsys.SyntheticStars}. Model: {@link io.gale.operators.recsys.RecVaeTrainer},
 * {@link io.gale.operators.recsys.RecVaeArtifacts} (safetensors plus a JSON sidecar),
 * {@link io.gale.operators.recsys.RecVaeRecommender}. Operators:
 * {@link io.gale.operators.recsys.PrepareInteractionsOperator}, {@link io.gale.operators.recsys.SplitOperator},
 * {@link io.gale.operators.recsys.RecVaeTrainOperator}, {@link io.gale.operators.recsys.ParseArtifactOperator},
 * {@link io.gale.operators.recsys.RegisterModelOperator}.
 */
package io.gale.operators.recsys;
