package io.gale.operators.recsys.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The partial selection against a full sort: best first, ties by lower index, excluded and NaN skipped. */
class TopKTest {

    /** The k best by sorting every candidate: (score descending, index ascending). */
    static int[] bySorting(float[] s, int off, int n, int k, boolean[] excluded) {
        return IntStream.range(0, n).filter(i -> (excluded == null || !excluded[i]) && !Float.isNaN(s[off + i])).boxed()
                .sorted((a, b) -> s[off + a] > s[off + b] ? -1 : s[off + a] < s[off + b] ? 1 : Integer.compare(a, b))
                .limit(Math.max(0, k)).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void equalsAFullSortOnRandomScoresWithTiesNansAndExclusions() {
        Random r = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + r.nextInt(300);
            int off = r.nextInt(5);
            float[] s = new float[off + n];
            int distinct = 1 + r.nextInt(round % 3 == 0 ? 4 : 1000);  // some rounds nearly all ties
            for (int i = 0; i < s.length; i++) {
                s[i] = r.nextInt(10) == 0 ? Float.NaN : (r.nextInt(distinct) - distinct / 2) * 0.25f;
                if (s[i] == 0f && r.nextBoolean()) {
                    s[i] = -0f;
                }
            }
            if (round % 5 == 0) {
                for (int i = 0; i < s.length; i++) {
                    s[i] = i;  // ascending: the order a heap likes least
                }
            }
            boolean[] excluded = r.nextBoolean() ? null : new boolean[n];
            if (excluded != null) {
                for (int i = 0; i < n; i++) {
                    excluded[i] = r.nextInt(4) == 0;
                }
            }
            int k = r.nextInt(n + 5);
            assertThat(TopK.select(s, off, n, k, excluded)).as("round %d", round).containsExactly(bySorting(s, off, n, k, excluded));
        }
    }
}
