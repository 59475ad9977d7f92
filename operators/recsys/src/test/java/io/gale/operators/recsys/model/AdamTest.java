package io.gale.operators.recsys.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {
    @Test
    void followsPyTorchAdamStepByStep() {
        float[] p = {1f, -2f, 0.5f};
        Adam adam = new Adam(List.of(p), 0.1);
        double[] m = new double[3];
        double[] v = new double[3];
        double[] ref = {1, -2, 0.5};
        try (Parallel parallel = new Parallel(2)) {
            for (int t = 1; t <= 5; t++) {
                float[] g = {(float) (2 * ref[0]), (float) (0.3 * t), (float) (-ref[2])};
                adam.step(List.of(g), parallel);
                for (int i = 0; i < 3; i++) {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                    ref[i] -= 0.1 / (1 - Math.pow(0.9, t)) * m[i] / denom;
                }
                for (int i = 0; i < 3; i++) {
                    assertThat((double) p[i]).isCloseTo(ref[i], offset(1e-5));
                }
            }
        }
        // first step moves each parameter by about lr against the gradient sign
        float[] q = {0f};
        new Adam(List.of(q), 5e-4).step(List.of(new float[] {123f}), null);
        assertThat((double) q[0]).isCloseTo(-5e-4, offset(1e-7));
    }

    @Test
    void fastExpIsAccurate() {
        java.util.Random rng = new java.util.Random(4);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (rng.nextDouble() * 180 - 90);
            double e = Math.exp(x);
            double f = FastMath.exp(x);
            if (e > 1e-37 && e < 1e38) {
                assertThat(Math.abs(f - e) / e).as("exp(%s)", x).isLessThan(2.5e-7);
            }
        }
        assertThat(FastMath.exp(100f)).isInfinite();
        assertThat(FastMath.exp(-200f)).isZero();
        assertThat(FastMath.exp(0f)).isEqualTo(1f);
    }
}
