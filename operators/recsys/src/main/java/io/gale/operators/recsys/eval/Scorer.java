package io.gale.operators.recsys.eval;

import io.gale.operators.recsys.data.CsrMatrix;

/** Scores all items for a block of users given their fold-in rows. */
@FunctionalInterface
public interface Scorer {
    /** Scores of rows {@code from .. to} of {@code foldIn}, row-major {@code (to - from) x foldIn.cols()}. */
    float[] score(CsrMatrix foldIn, int from, int to);
}
