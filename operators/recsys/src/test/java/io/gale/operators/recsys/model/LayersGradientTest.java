package io.gale.operators.recsys.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.operators.recsys.data.CsrMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each layer's backward pass against central finite differences of an independent
 * double-precision implementation of its forward pass (loss = sum of c * output).
 */
class LayersGradientTest {
    private final Random rng = new Random(42);
    private static final double H = 1e-6;

    private static double dot(double[] c, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += c[i] * y[i];
        }
        return s;
    }

    private static void assertGrad(String what, float[] analytic, double[] numeric) {
        double worst = GradCheck.worst(analytic, numeric, 1e-3, 1e-4);
        assertThat(worst).as(what + " gradient mismatch").isLessThanOrEqualTo(0);
    }

    // ---- linear -------------------------------------------------------------------------

    static double[] linearRef(double[] x, int rows, int in, double[] w, double[] b, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    @Test
    void linearBackwardMatchesFiniteDifferences() {
        int rows = 4, in = 7, out = 5;
        float[] x = GradCheck.random(rng, rows * in, 1);
        float[] w = GradCheck.random(rng, out * in, 0.5);
        float[] b = GradCheck.random(rng, out, 0.5);
        double[] c = GradCheck.toDouble(GradCheck.random(rng, rows * out, 1));
        float[] y = new float[rows * out];
        Layers.linear(x, rows, in, w, b, out, y);
        double[] yRef = linearRef(GradCheck.toDouble(x), rows, in, GradCheck.toDouble(w), GradCheck.toDouble(b), out);
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).isCloseTo(yRef[i], org.assertj.core.data.Offset.offset(1e-5));
        }
        float[] dy = GradCheck.toFloat(c);
        float[] dw = new float[w.length];
        float[] db = new float[b.length];
        float[] dx = new float[x.length];
        Layers.linearBackward(x, dy, rows, in, out, w, dw, db, dx, false);
        double[] xd = GradCheck.toDouble(x), wd = GradCheck.toDouble(w), bd = GradCheck.toDouble(b);
        assertGrad("dx", dx, GradCheck.numeric(xd, v -> dot(c, linearRef(v, rows, in, wd, bd, out)), H));
        assertGrad("dW", dw, GradCheck.numeric(wd, v -> dot(c, linearRef(xd, rows, in, v, bd, out)), H));
        assertGrad("db", db, GradCheck.numeric(bd, v -> dot(c, linearRef(xd, rows, in, wd, v, out)), H));
    }

    // ---- sparse linear ------------------------------------------------------------------

    @Test
    void sparseLinearMatchesDenseAndItsBackwardMatchesFiniteDifferences() {
        int items = 9, out = 4;
        CsrMatrix x = CsrMatrix.fromPairs(3, items, new int[] {0, 0, 0, 1, 2, 2}, new int[] {1, 4, 8, 0, 3, 4});
        float[] values = {0.5f, 0f, 1.5f, 2f, -0.7f, 0.3f};
        float[] wt = GradCheck.random(rng, items * out, 0.5);
        float[] b = GradCheck.random(rng, out, 0.5);
        double[] c = GradCheck.toDouble(GradCheck.random(rng, 2 * out, 1));
        // rows 1..2 only, to exercise the row offset
        java.util.function.BiFunction<double[], double[], double[]> ref = (wtd, bd) -> {
            double[] dense = new double[2 * items];
            for (int r = 1; r < 3; r++) {
                for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                    dense[(r - 1) * items + x.indices()[p]] = values[p];
                }
            }
            double[] w = new double[out * items];
            for (int i = 0; i < items; i++) {
                for (int o = 0; o < out; o++) {
                    w[o * items + i] = wtd[i * out + o];
                }
            }
            return linearRef(dense, 2, items, w, bd, out);
        };
        float[] y = new float[2 * out];
        Layers.sparseLinear(x.indptr(), x.indices(), values, 1, 2, wt, b, out, y);
        double[] yRef = ref.apply(GradCheck.toDouble(wt), GradCheck.toDouble(b));
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).isCloseTo(yRef[i], org.assertj.core.data.Offset.offset(1e-5));
        }
        float[] dwt = new float[wt.length];
        float[] db = new float[out];
        Layers.sparseLinearBackward(x.indptr(), x.indices(), values, 1, 2, GradCheck.toFloat(c), out, dwt, db);
        double[] wtd = GradCheck.toDouble(wt), bd = GradCheck.toDouble(b);
        assertGrad("dWt", dwt, GradCheck.numeric(wtd, v -> dot(c, ref.apply(v, bd)), H));
        assertGrad("db", db, GradCheck.numeric(bd, v -> dot(c, ref.apply(wtd, v)), H));
    }

    // ---- swish --------------------------------------------------------------------------

    @Test
    void swishBackwardMatchesFiniteDifferences() {
        int n = 40;
        float[] a = GradCheck.random(rng, n, 3);
        double[] c = GradCheck.toDouble(GradCheck.random(rng, n, 1));
        float[] sig = new float[n];
        float[] s = new float[n];
        Layers.swish(a, sig, s, n);
        for (int i = 0; i < n; i++) {
            assertThat((double) s[i]).isCloseTo(a[i] / (1 + Math.exp(-a[i])), org.assertj.core.data.Offset.offset(1e-5));
        }
        float[] da = new float[n];
        Layers.swishBackward(a, sig, GradCheck.toFloat(c), da, n);
        assertGrad("swish", da, GradCheck.numeric(GradCheck.toDouble(a), v -> {
            double t = 0;
            for (int i = 0; i < n; i++) {
                t += c[i] * v[i] / (1 + Math.exp(-v[i]));
            }
            return t;
        }, H));
    }

    // ---- LayerNorm ----------------------------------------------------------------------

    static double[] layerNormRef(double[] x, int rows, int d, double[] g, double[] b, double eps) {
        double[] y = new double[rows * d];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < d; i++) {
                mean += x[r * d + i];
            }
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                var += (x[r * d + i] - mean) * (x[r * d + i] - mean);
            }
            var /= d;
            for (int i = 0; i < d; i++) {
                y[r * d + i] = g[i] * (x[r * d + i] - mean) / Math.sqrt(var + eps) + b[i];
            }
        }
        return y;
    }

    @Test
    void layerNormBackwardMatchesFiniteDifferences() {
        int rows = 3, d = 8;
        float eps = 0.1f;
        float[] x = GradCheck.random(rng, rows * d, 0.6);
        float[] g = GradCheck.random(rng, d, 1);
        float[] b = GradCheck.random(rng, d, 1);
        double[] c = GradCheck.toDouble(GradCheck.random(rng, rows * d, 1));
        float[] y = new float[rows * d];
        float[] xhat = new float[rows * d];
        float[] inv = new float[rows];
        Layers.layerNorm(x, rows, d, g, b, eps, y, xhat, inv);
        double[] xd = GradCheck.toDouble(x), gd = GradCheck.toDouble(g), bd = GradCheck.toDouble(b);
        double[] yRef = layerNormRef(xd, rows, d, gd, bd, eps);
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).isCloseTo(yRef[i], org.assertj.core.data.Offset.offset(1e-5));
        }
        float[] dx = new float[x.length];
        float[] dg = new float[d];
        float[] db = new float[d];
        Layers.layerNormBackward(GradCheck.toFloat(c), xhat, inv, rows, d, g, dx, dg, db);
        assertGrad("LN dx", dx, GradCheck.numeric(xd, v -> dot(c, layerNormRef(v, rows, d, gd, bd, eps)), H));
        assertGrad("LN dg", dg, GradCheck.numeric(gd, v -> dot(c, layerNormRef(xd, rows, d, v, bd, eps)), H));
        assertGrad("LN db", db, GradCheck.numeric(bd, v -> dot(c, layerNormRef(xd, rows, d, gd, v, eps)), H));
    }

    // ---- log-softmax + multinomial likelihood -------------------------------------------

    static double mllRef(double[] logits, int rows, int n, CsrMatrix x) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, logits[r * n + i]);
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.exp(logits[r * n + i] - max);
            }
            double lse = max + Math.log(s);
            for (int i = 0; i < n; i++) {
                double xi = x.contains(r, i) ? 1 : 0;
                total += xi * (logits[r * n + i] - lse);
            }
        }
        return total;
    }

    @Test
    void multinomialLikelihoodGradientMatchesFiniteDifferences() {
        int rows = 3, n = 10;
        CsrMatrix x = CsrMatrix.fromPairs(rows, n, new int[] {0, 0, 1, 2, 2, 2}, new int[] {2, 7, 0, 1, 5, 9});
        float[] logits = GradCheck.random(rng, rows * n, 2);
        double[] ld = GradCheck.toDouble(logits);
        float scale = 1f / rows;
        float[] work = logits.clone();
        double mll = Layers.multinomial(work, rows, n, x.indptr(), x.indices(), 0, scale, true);
        assertThat(mll).isCloseTo(mllRef(ld, rows, n, x), org.assertj.core.data.Offset.offset(1e-4));
        // work now holds d(-mll * scale)/dlogits
        assertGrad("log-softmax", work, GradCheck.numeric(ld, v -> -scale * mllRef(v, rows, n, x), H));
        float[] noGrad = logits.clone();
        assertThat(Layers.multinomial(noGrad, rows, n, x.indptr(), x.indices(), 0, scale, false)).isCloseTo(mll,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(noGrad).containsExactly(logits);
    }

    // ---- KL with the composite prior ----------------------------------------------------

    static double logN(double x, double mu, double logvar) {
        return -0.5 * (logvar + Math.log(2 * Math.PI) + (x - mu) * (x - mu) / Math.exp(logvar));
    }

    static double klRef(double[] z, double[] mu, double[] lv, double[] pmu, double[] plv, double[] w, int rows, int latent) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double row = 0;
            for (int d = 0; d < latent; d++) {
                int i = r * latent + d;
                double p = Math.log(3.0 / 20 * Math.exp(logN(z[i], 0, 0))
                        + 3.0 / 4 * Math.exp(logN(z[i], pmu[i], plv[i]))
                        + 1.0 / 10 * Math.exp(logN(z[i], 0, 10)));
                row += logN(z[i], mu[i], lv[i]) - p;
            }
            total += w[r] * row;
        }
        return total;
    }

    @Test
    void compositePriorKlGradientMatchesFiniteDifferences() {
        int rows = 3, latent = 5;
        int n = rows * latent;
        float[] z = GradCheck.random(rng, n, 1.5);
        float[] mu = GradCheck.random(rng, n, 1);
        float[] lv = GradCheck.random(rng, n, 0.7);
        float[] pmu = GradCheck.random(rng, n, 1);
        float[] plv = GradCheck.random(rng, n, 0.7);
        float[] w = {0.05f, 0.2f, 0.11f};
        double[] wd = GradCheck.toDouble(w);
        float scale = 0.25f;
        float[] dz = new float[n], dmu = new float[n], dlv = new float[n];
        double kl = Layers.compositeKl(z, mu, lv, pmu, plv, 0, w, 0, rows, latent, RecVae.LOG_MIXTURE,
                RecVae.UNIFORM_LOGVAR, scale, dz, dmu, dlv);
        double[] zd = GradCheck.toDouble(z), mud = GradCheck.toDouble(mu), lvd = GradCheck.toDouble(lv);
        double[] pmud = GradCheck.toDouble(pmu), plvd = GradCheck.toDouble(plv);
        assertThat(kl).isCloseTo(klRef(zd, mud, lvd, pmud, plvd, wd, rows, latent), org.assertj.core.data.Offset.offset(1e-5));
        assertGrad("KL dz", dz, GradCheck.numeric(zd, v -> scale * klRef(v, mud, lvd, pmud, plvd, wd, rows, latent), H));
        assertGrad("KL dmu", dmu, GradCheck.numeric(mud, v -> scale * klRef(zd, v, lvd, pmud, plvd, wd, rows, latent), H));
        assertGrad("KL dlogvar", dlv, GradCheck.numeric(lvd, v -> scale * klRef(zd, mud, v, pmud, plvd, wd, rows, latent), H));
    }

    // ---- reparameterisation -------------------------------------------------------------

    @Test
    void reparameterisationBackwardMatchesFiniteDifferences() {
        int n = 12;
        float[] mu = GradCheck.random(rng, n, 1);
        float[] lv = GradCheck.random(rng, n, 1);
        float[] eps = GradCheck.random(rng, n + 3, 1);
        double[] c = GradCheck.toDouble(GradCheck.random(rng, n, 1));
        float[] z = new float[n], std = new float[n];
        Layers.reparameterize(mu, lv, eps, 3, z, std, n);
        float[] dmu = new float[n], dlv = new float[n];
        Layers.reparameterizeBackward(GradCheck.toFloat(c), eps, 3, std, dmu, dlv, n);
        double[] mud = GradCheck.toDouble(mu), lvd = GradCheck.toDouble(lv);
        java.util.function.BiFunction<double[], double[], Double> f = (m, l) -> {
            double t = 0;
            for (int i = 0; i < n; i++) {
                t += c[i] * (m[i] + eps[3 + i] * Math.exp(0.5 * l[i]));
            }
            return t;
        };
        assertGrad("reparam dmu", dmu, GradCheck.numeric(mud, v -> f.apply(v, lvd), H));
        assertGrad("reparam dlogvar", dlv, GradCheck.numeric(lvd, v -> f.apply(mud, v), H));
    }

    // ---- the checker itself -------------------------------------------------------------

    @Test
    void checkerRejectsASlightlyWrongGradient() {
        int n = 20;
        float[] a = GradCheck.random(rng, n, 2);
        double[] numeric = GradCheck.numeric(GradCheck.toDouble(a), v -> {
            double t = 0;
            for (double x : v) {
                t += Math.sin(x);
            }
            return t;
        }, H);
        float[] right = new float[n];
        for (int i = 0; i < n; i++) {
            right[i] = (float) Math.cos(a[i]);
        }
        assertThat(GradCheck.matches(right, numeric)).isTrue();
        float[] wrong = right.clone();
        wrong[7] *= 1.02f;
        wrong[7] += 0.01f;
        assertThat(GradCheck.matches(wrong, numeric)).isFalse();
        // a swish derivative missing its second term is caught too
        float[] sig = new float[n], s = new float[n], da = new float[n], ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        Layers.swish(a, sig, s, n);
        Layers.swishBackward(a, sig, ones, da, n);
        assertThat(GradCheck.matches(sig, GradCheck.toDouble(da))).isFalse();
    }
}
