package io.gale.operators.recsys.model;

/**
 * One training batch, everything indexed by batch row: the binary rows (CSR), the encoder input
 * value of each nonzero (after L2 normalisation and dropout), item counts, the reparameterisation
 * noise [rows, latent] and the frozen prior encoder's posterior [rows, latent].
 */
record BatchInput(int rows, int[] indptr, int[] indices, float[] values, float[] counts,
                  float[] eps, float[] priorMu, float[] priorLogvar) {
}
