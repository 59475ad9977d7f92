package io.gale.operators.recsys.eval;

import io.gale.operators.recsys.data.CsrMatrix;

/**
 * Ranking metrics with the Mult-VAE / RecVAE definitions: fold-in items are excluded from the
 * ranking; NDCG@100 with binary relevance, DCG = sum over rank &lt; 100 of hit / log2(rank + 2),
 * IDCG over min(n_heldout, 100) ranks; Recall@k = hits in top k / min(k, n_heldout). Averaged
 * over the users with at least one held-out item.
 */
public final class Metrics {
    private static final int K_NDCG = 100;
    private static final double[] DISCOUNT = new double[K_NDCG];

    static {
        for (int i = 0; i < K_NDCG; i++) {
            DISCOUNT[i] = 1.0 / (Math.log(i + 2) / Math.log(2));
        }
    }

    private Metrics() {
    }

    /** Evaluates a scorer in blocks of 500 users. */
    public static EvaluationResult evaluate(Scorer scorer, CsrMatrix foldIn, CsrMatrix heldOut) {
        check(foldIn, heldOut);
        double[] sums = new double[4];
        for (int from = 0; from < foldIn.rows(); from += 500) {
            int to = Math.min(foldIn.rows(), from + 500);
            float[] scores = scorer.score(foldIn, from, to);
            for (int r = from; r < to; r++) {
                add(sums, userMetrics(scores, (r - from) * foldIn.cols(), foldIn, heldOut, r));
            }
        }
        return result(sums);
    }

    /** Throws when the fold-in and held-out matrices differ in shape. */
    public static void check(CsrMatrix foldIn, CsrMatrix heldOut) {
        if (foldIn.rows() != heldOut.rows() || foldIn.cols() != heldOut.cols()) {
            throw new IllegalArgumentException("fold-in " + foldIn + " and held-out " + heldOut
                    + " differ in shape");
        }
    }

    /**
     * Adds one user's {@link #userMetrics} (ignored when null) into running sums
     * {NDCG@100, Recall@20, Recall@50, users}, e.g. one array per worker.
     */
    public static void add(double[] sums, double[] m) {
        if (m != null) {
            sums[0] += m[0];
            sums[1] += m[1];
            sums[2] += m[2];
            sums[3] += 1;
        }
    }

    /** The means of sums built by {@link #add}; NaN metrics when no user had held-out items. */
    public static EvaluationResult result(double[] sums) {
        int users = (int) sums[3];
        if (users == 0) {
            return new EvaluationResult(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new EvaluationResult(sums[0] / users, sums[1] / users, sums[2] / users, users);
    }

    /**
     * {NDCG@100, Recall@20, Recall@50} of one user whose scores start at {@code off}, or null when
     * the user has no held-out item.
     */
    public static double[] userMetrics(float[] scores, int off, CsrMatrix foldIn, CsrMatrix heldOut, int row) {
        int nHeld = heldOut.rowNnz(row);
        if (nHeld == 0) {
            return null;
        }
        int n = foldIn.cols();
        boolean[] excluded = new boolean[n];
        for (int p = foldIn.indptr()[row]; p < foldIn.indptr()[row + 1]; p++) {
            excluded[foldIn.indices()[p]] = true;
        }
        int[] top = TopK.select(scores, off, n, K_NDCG, excluded);
        double dcg = 0;
        int hits20 = 0;
        int hits50 = 0;
        for (int rank = 0; rank < top.length; rank++) {
            if (heldOut.contains(row, top[rank])) {
                dcg += DISCOUNT[rank];
                if (rank < 20) {
                    hits20++;
                }
                if (rank < 50) {
                    hits50++;
                }
            }
        }
        double idcg = 0;
        for (int i = 0; i < Math.min(nHeld, K_NDCG); i++) {
            idcg += DISCOUNT[i];
        }
        return new double[] {dcg / idcg, hits20 / (double) Math.min(20, nHeld),
            hits50 / (double) Math.min(50, nHeld)};
    }
}
