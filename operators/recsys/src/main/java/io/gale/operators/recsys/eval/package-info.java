/**
 * Ranking evaluation of any {@link io.gale.operators.recsys.eval.Scorer} on a fold-in / held-out
 * split: NDCG@100 and Recall@20/50 with the Mult-VAE and RecVAE definitions
 * ({@link io.gale.operators.recsys.eval.Metrics}, {@link io.gale.operators.recsys.eval.EvaluationResult})
 * and top-k selection ({@link io.gale.operators.recsys.eval.TopK}). It reads matrices from
 * {@code recsys.data} and knows nothing of the model, which implements {@code Scorer}.
 */
package io.gale.operators.recsys.eval;
