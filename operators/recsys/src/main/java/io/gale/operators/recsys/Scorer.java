package io.gale.operators.recsys;

/** Scores all items for a block of users given their fold-in rows. */
@FunctionalInterface
public interface Scorer {
    /** Scores of rows {@code from .. to} of {@code foldIn}, row-major {@code (to - from) x foldIn.cols()}. */
    float[] score(CsrMatrix foldIn, int from, int to);
}
