package io.gale.operators.recsys.eval;

/** Mean ranking metrics over the users that have held-out items. */
public record EvaluationResult(double ndcg100, double recall20, double recall50, int users) {
}
