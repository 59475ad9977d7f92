/**
 * RecVAE (Shenbin et al., WSDM 2020) in plain Java, and the operators of the
 * {@code recvae_batch_train} pipeline.
 *
 * <p>This package holds the operators: {@link io.gale.operators.recsys.PrepareInteractionsOperator},
 * {@link io.gale.operators.recsys.SplitOperator}, {@link io.gale.operators.recsys.RecVaeTrainOperator},
 * {@link io.gale.operators.recsys.ParseArtifactOperator} and {@link io.gale.operators.recsys.RegisterModelOperator}.
 * They build on four subpackages, each depending only on those before it:
 * {@link io.gale.operators.recsys.data} (interactions, the split, synthetic stars),
 * {@link io.gale.operators.recsys.eval} (ranking metrics of any scorer),
 * {@link io.gale.operators.recsys.model} (the model and its trainer) and
 * {@link io.gale.operators.recsys.artifact} (safetensors plus a JSON sidecar, the recommender).
 * {@code recsys.cli} is the {@code gale recvae} command.
 */
package io.gale.operators.recsys;
