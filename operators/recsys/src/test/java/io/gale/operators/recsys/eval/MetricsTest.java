package io.gale.operators.recsys.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.gale.operators.recsys.data.CsrMatrix;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void topKOrdersByScoreThenIndexAndSkipsExcluded() {
        float[] s = {0.5f, 2f, 2f, -1f, 3f, 0.5f};
        assertThat(TopK.select(s, 0, 6, 3, null)).containsExactly(4, 1, 2);
        assertThat(TopK.select(s, 0, 6, 10, new boolean[] {false, false, true, false, true, false}))
                .containsExactly(1, 0, 5, 3);
        assertThat(TopK.select(s, 2, 3, 2, null)).containsExactly(2, 0);
    }

    @Test
    void ndcgAndRecallFollowTheMultVaeDefinitions() {
        int n = 130;
        // user 0: fold-in item 0 has the top score and must be ignored; held-out {1, 3, 120}
        float[] scores = new float[2 * n];
        for (int i = 0; i < n; i++) {
            scores[i] = n - i;          // ranking 0,1,2,3,...
            scores[n + i] = i;          // user 1: ranking 129,128,...
        }
        CsrMatrix foldIn = CsrMatrix.fromPairs(2, n, new int[] {0, 1}, new int[] {0, 129});
        CsrMatrix heldOut = CsrMatrix.fromPairs(2, n, new int[] {0, 0, 0}, new int[] {1, 3, 120});
        double[] m = Metrics.userMetrics(scores, 0, foldIn, heldOut, 0);
        // after masking item 0: item 1 at rank 0, item 3 at rank 2, item 120 at rank 119 (outside 100)
        double dcg = 1 / log2(2) + 1 / log2(4);
        double idcg = 1 / log2(2) + 1 / log2(3) + 1 / log2(4);
        assertThat(m[0]).isCloseTo(dcg / idcg, offset(1e-12));
        assertThat(m[1]).isCloseTo(2.0 / 3, offset(1e-12));
        assertThat(m[2]).isCloseTo(2.0 / 3, offset(1e-12));
        assertThat(Metrics.userMetrics(scores, n, foldIn, heldOut, 1)).isNull();
        EvaluationResult r = Metrics.evaluate((x, from, to) -> java.util.Arrays.copyOfRange(scores, from * n, to * n),
                foldIn, heldOut);
        assertThat(r.users()).isEqualTo(1);
        assertThat(r.ndcg100()).isCloseTo(dcg / idcg, offset(1e-12));
    }

    @Test
    void recallDividesByMinOfKAndHeldOut() {
        int n = 200;
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = -i;
        }
        int[] items = new int[60];
        int[] rows = new int[60];
        for (int i = 0; i < 60; i++) {
            items[i] = i;   // the 60 best items are all held out
        }
        CsrMatrix heldOut = CsrMatrix.fromPairs(1, n, rows, items);
        CsrMatrix foldIn = CsrMatrix.fromPairs(1, n, new int[] {0}, new int[] {199});
        double[] m = Metrics.userMetrics(scores, 0, foldIn, heldOut, 0);
        assertThat(m[0]).isCloseTo(1.0, offset(1e-12));
        assertThat(m[1]).isCloseTo(1.0, offset(1e-12));
        assertThat(m[2]).isCloseTo(1.0, offset(1e-12));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
