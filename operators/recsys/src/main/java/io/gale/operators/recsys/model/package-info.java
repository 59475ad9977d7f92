/**
 * The RecVAE model and its training: parameters and hand-written forward and backward passes
 * ({@link io.gale.operators.recsys.model.RecVae}, layers, Adam, GEMM over netlib BLAS, the worker
 * pool), the trainer ({@link io.gale.operators.recsys.model.RecVaeTrainer} with its
 * {@link io.gale.operators.recsys.model.RecVaeConfig}), and the model's tensors in PyTorch
 * state_dict names ({@link io.gale.operators.recsys.model.StateDict}). It reads matrices from
 * {@code recsys.data}, is evaluated through {@code recsys.eval}, and knows nothing of files or operators.
 */
package io.gale.operators.recsys.model;
