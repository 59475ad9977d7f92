package io.gale.operators.recsys.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.gale.operators.recsys.data.CsrMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The whole RecVAE batch loss and every parameter gradient against an independent, naive
 * double-precision implementation of the forward pass and its central finite differences.
 */
class WholeLossGradientTest {
    static final int ITEMS = 12;
    static final int HIDDEN = 6;
    static final int LATENT = 3;

    static RecVaeConfig config() {
        return RecVaeConfig.defaults().withDimensions(HIDDEN, LATENT).withThreads(1).withSeed(7);
    }

    static CsrMatrix batchRows() {
        return CsrMatrix.fromPairs(5, ITEMS,
                new int[] {0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 3, 4, 4},
                new int[] {0, 3, 11, 2, 5, 1, 3, 6, 7, 10, 4, 0, 9});
    }

    static BatchInput input(CsrMatrix x, float dropout, Random rng, float[] priorMu, float[] priorLv) {
        float[] values = new float[x.nnz()];
        float[] counts = new float[x.rows()];
        for (int r = 0; r < x.rows(); r++) {
            counts[r] = x.rowNnz(r);
            for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                boolean drop = dropout > 0 && rng.nextDouble() < dropout;
                values[p] = drop ? 0f : (float) (1 / Math.sqrt(counts[r]) / (1 - dropout));
            }
        }
        float[] eps = GradCheck.random(rng, x.rows() * LATENT, 1);
        return new BatchInput(x.rows(), x.indptr(), x.indices(), values, counts, eps, priorMu, priorLv);
    }

    /** Parameters as double arrays, encoder tensors then decoder tensors. */
    static List<double[]> params(RecVae m) {
        List<double[]> p = new ArrayList<>();
        for (float[] t : m.encoder.tensors()) {
            p.add(GradCheck.toDouble(t));
        }
        for (float[] t : m.decoder.tensors()) {
            p.add(GradCheck.toDouble(t));
        }
        return p;
    }

    static double[] swishLn(double[] a, double[] g, double[] b, double eps) {
        int d = a.length;
        double[] s = new double[d];
        for (int i = 0; i < d; i++) {
            s[i] = a[i] / (1 + Math.exp(-a[i]));
        }
        double mean = 0;
        for (double v : s) {
            mean += v;
        }
        mean /= d;
        double var = 0;
        for (double v : s) {
            var += (v - mean) * (v - mean);
        }
        var /= d;
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            y[i] = g[i] * (s[i] - mean) / Math.sqrt(var + eps) + b[i];
        }
        return y;
    }

    static double[] affine(double[] w, double[] b, double[] x, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int i = 0; i < in; i++) {
                s += w[o * in + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    /** Naive reference loss -(mean mll - mean kld), straight from RECVAE.md. */
    static double referenceLoss(List<double[]> p, BatchInput in, double gamma, double lnEps) {
        double mllSum = 0;
        double klSum = 0;
        for (int r = 0; r < in.rows(); r++) {
            double[] a = p.get(1).clone();
            for (int q = in.indptr()[r]; q < in.indptr()[r + 1]; q++) {
                for (int o = 0; o < HIDDEN; o++) {
                    a[o] += in.values()[q] * p.get(0)[in.indices()[q] * HIDDEN + o];
                }
            }
            List<double[]> hs = new ArrayList<>();
            hs.add(swishLn(a, p.get(2), p.get(3), lnEps));
            for (int l = 1; l < 5; l++) {
                int base = 4 + (l - 1) * 4;
                double[] al = affine(p.get(base), p.get(base + 1), hs.get(l - 1), HIDDEN);
                for (double[] hj : hs) {
                    for (int o = 0; o < HIDDEN; o++) {
                        al[o] += hj[o];
                    }
                }
                hs.add(swishLn(al, p.get(base + 2), p.get(base + 3), lnEps));
            }
            double[] h5 = hs.get(4);
            double[] mu = affine(p.get(20), p.get(21), h5, LATENT);
            double[] lv = affine(p.get(22), p.get(23), h5, LATENT);
            double[] z = new double[LATENT];
            for (int d = 0; d < LATENT; d++) {
                z[d] = mu[d] + in.eps()[r * LATENT + d] * Math.exp(0.5 * lv[d]);
            }
            double[] logits = affine(p.get(24), p.get(25), z, ITEMS);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (double v : logits) {
                s += Math.exp(v - max);
            }
            double lse = max + Math.log(s);
            for (int q = in.indptr()[r]; q < in.indptr()[r + 1]; q++) {
                mllSum += logits[in.indices()[q]] - lse;
            }
            double kl = 0;
            for (int d = 0; d < LATENT; d++) {
                int i = r * LATENT + d;
                double logp = Math.log(3.0 / 20 * Math.exp(LayersGradientTest.logN(z[d], 0, 0))
                        + 3.0 / 4 * Math.exp(LayersGradientTest.logN(z[d], in.priorMu()[i], in.priorLogvar()[i]))
                        + 1.0 / 10 * Math.exp(LayersGradientTest.logN(z[d], 0, 10)));
                kl += LayersGradientTest.logN(z[d], mu[d], lv[d]) - logp;
            }
            klSum += gamma * in.counts()[r] * kl;
        }
        return -(mllSum / in.rows() - klSum / in.rows());
    }

    @Test
    void lossAndAllGradientsMatchFiniteDifferencesOfTheReference() {
        Random rng = new Random(3);
        RecVae model = new RecVae(ITEMS, config());
        CsrMatrix x = batchRows();
        float[] pm = GradCheck.random(rng, x.rows() * LATENT, 0.8);
        float[] plv = GradCheck.random(rng, x.rows() * LATENT, 0.5);
        BatchInput in = input(x, 0.5f, rng, pm, plv);
        Encoder gEnc = new Encoder(ITEMS, HIDDEN, LATENT);
        Decoder gDec = new Decoder(ITEMS, LATENT);
        double[] loss = model.lossAndGradients(in, RecVae.Phase.BOTH, gEnc, gDec);

        List<double[]> p = params(model);
        double gamma = model.config().gamma();
        double ref = referenceLoss(p, in, gamma, model.config().layerNormEps());
        assertThat(loss[0]).isCloseTo(ref, offset(1e-4 * Math.abs(ref)));

        List<float[]> grads = new ArrayList<>(gEnc.tensors());
        grads.addAll(gDec.tensors());
        int checked = 0;
        for (int t = 0; t < p.size(); t++) {
            double[] tensor = p.get(t);
            double[] numeric = GradCheck.numeric(tensor, v -> referenceLoss(p, in, gamma, 0.1), 1e-6);
            double worst = GradCheck.worst(grads.get(t), numeric, 2e-3, 2e-4);
            assertThat(worst).as("gradient of tensor #" + t).isLessThanOrEqualTo(0);
            checked += tensor.length;
        }
        assertThat(checked).isEqualTo(model.parameterCount());
        // dropout really removed some inputs, and the gradient is not trivially zero
        assertThat(in.values()).contains(0f);
        assertThat(maxAbs(gEnc.fc1T)).isGreaterThan(1e-4);
    }

    @Test
    void encoderPhaseGivesEncoderGradientsOnlyAndDecoderPhaseReusesThePriorPosterior() {
        Random rng = new Random(5);
        RecVae model = new RecVae(ITEMS, config());
        CsrMatrix x = batchRows();
        // prior = current encoder without dropout, as right after the refresh
        Workspace ws = new Workspace(x.rows(), ITEMS, HIDDEN, LATENT);
        ws.encode(model.encoder, model.lnEps, x.indptr(), x.indices(), RecVae.normalisedValues(x), 0, x.rows());
        float[] pm = java.util.Arrays.copyOf(ws.mu, x.rows() * LATENT);
        float[] plv = java.util.Arrays.copyOf(ws.lv, x.rows() * LATENT);
        BatchInput in = input(x, 0f, rng, pm, plv);

        Encoder gEncBoth = new Encoder(ITEMS, HIDDEN, LATENT);
        Decoder gDecBoth = new Decoder(ITEMS, LATENT);
        double[] both = model.lossAndGradients(in, RecVae.Phase.BOTH, gEncBoth, gDecBoth);

        Encoder gEnc = new Encoder(ITEMS, HIDDEN, LATENT);
        Decoder gDec = new Decoder(ITEMS, LATENT);
        double[] enc = model.lossAndGradients(in, RecVae.Phase.ENCODER, gEnc, gDec);
        assertThat(enc[0]).isCloseTo(both[0], offset(1e-6));
        assertThat(maxAbs(gDec.w)).isZero();
        for (int t = 0; t < gEnc.tensors().size(); t++) {
            assertThat(gEnc.tensors().get(t)).containsExactly(gEncBoth.tensors().get(t), offset(1e-6f));
        }

        Encoder gEnc2 = new Encoder(ITEMS, HIDDEN, LATENT);
        Decoder gDec2 = new Decoder(ITEMS, LATENT);
        double[] dec = model.lossAndGradients(in, RecVae.Phase.DECODER, gEnc2, gDec2);
        assertThat(dec[0]).isCloseTo(both[0], offset(1e-4));
        assertThat(maxAbs(gEnc2.fc1T)).isZero();
        assertThat(gDec2.w).containsExactly(gDecBoth.w, offset(1e-5f));
        assertThat(gDec2.b).containsExactly(gDecBoth.b, offset(1e-5f));
    }

    @Test
    void threadedStepEqualsSingleThreadedGradients() {
        Random rng = new Random(9);
        RecVae model = new RecVae(ITEMS, config());
        CsrMatrix x = batchRows();
        BatchInput in = input(x, 0.5f, rng, GradCheck.random(rng, 15, 1), GradCheck.random(rng, 15, 0.3f));
        Encoder g = new Encoder(ITEMS, HIDDEN, LATENT);
        Decoder gd = new Decoder(ITEMS, LATENT);
        model.lossAndGradients(in, RecVae.Phase.BOTH, g, gd);
        // two slices of the same batch, summed, give the same gradient
        Encoder g1 = new Encoder(ITEMS, HIDDEN, LATENT);
        Decoder gd1 = new Decoder(ITEMS, LATENT);
        Workspace ws = new Workspace(5, ITEMS, HIDDEN, LATENT);
        ws.step(model, in, 0, 2, 5, RecVae.Phase.BOTH, g1, gd1);
        ws.step(model, in, 2, 3, 5, RecVae.Phase.BOTH, g1, gd1);
        for (int t = 0; t < g.tensors().size(); t++) {
            assertThat(g1.tensors().get(t)).containsExactly(g.tensors().get(t), offset(1e-5f));
        }
        assertThat(gd1.w).containsExactly(gd.w, offset(1e-5f));
    }

    static double maxAbs(float[] x) {
        double m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
