/**
 * RecVAE's data: user-item interactions read from CSV ({@link io.gale.operators.recsys.data.InteractionReader},
 * {@link io.gale.operators.recsys.data.Interactions}), the sparse binary user-by-item matrix
 * ({@link io.gale.operators.recsys.data.CsrMatrix}), the strong-generalisation split read and written as a
 * split directory ({@link io.gale.operators.recsys.data.Split}) and synthetic GitHub-star data
 * ({@link io.gale.operators.recsys.data.SyntheticStars}). It knows nothing of the model; bad input is a
 * {@link io.gale.operators.recsys.data.DataFormatException}.
 */
package io.gale.operators.recsys.data;
