package io.gale.operators.recsys.model;

/**
 * The deterministic forward pass (z = mu, no dropout) of a trained model for serving: users'
 * known items in, the decoder's logits out, several users per call. It computes what
 * {@link RecVae#score} computes, in the same order (so the same floats for the same batch), with
 * the work a request needs and no more: the log-variance head, which scoring never reads, is
 * skipped, and the activation buffers are kept per thread instead of allocated per call (about
 * 60 KB per user); the weights are the model's own, not copied. Each dense product is one BLAS
 * call for the whole batch: one user's pass is bound by reading the weights (about 9 MB for 3,497
 * items; measured here, a 600 x 600 product costs as much for 4 users as for one, and 1.7 times
 * as much for 16), so callers should batch. Thread-safe, for a model that no longer trains.
 */
public final class FoldInScorer {
    private final int items;
    private final int hidden;
    private final int latent;
    private final float lnEps;
    private final float[] fc1T;
    /** fcW[l]: [out, in] as PyTorch keeps it (l = 1..4; index 0 unused). */
    private final float[][] fcW = new float[Encoder.LAYERS][];
    private final float[][] fcB = new float[Encoder.LAYERS][];
    private final float[][] lnW = new float[Encoder.LAYERS][];
    private final float[][] lnB = new float[Encoder.LAYERS][];
    private final float[] muW;
    private final float[] muB;
    private final float[] decW;
    private final float[] decB;
    private final ThreadLocal<Buffers> buffers = new ThreadLocal<>();

    /** Reads the weights of {@code model}'s encoder and decoder in place: build it from a model that no longer trains. */
    public FoldInScorer(RecVae model) {
        Encoder e = model.encoder;
        items = model.items;
        hidden = e.hidden;
        latent = e.latent;
        lnEps = model.lnEps;
        fc1T = e.fc1T;
        for (int l = 0; l < Encoder.LAYERS; l++) {
            if (l > 0) {
                fcW[l] = e.fcW[l];
            }
            fcB[l] = e.fcB[l];
            lnW[l] = e.lnW[l];
            lnB[l] = e.lnB[l];
        }
        muW = e.muW;
        muB = e.muB;
        decW = model.decoder.w;
        decB = model.decoder.b;
    }

    /** How many items the model scores. */
    public int items() {
        return items;
    }

    /**
     * Scores of {@code users} users into {@code out} ({@code users x items}, row-major):
     * {@code columns[u]} are the distinct model columns of user u's known items, in ascending
     * order (none: the model's answer for an empty history).
     */
    public void score(int[][] columns, int users, float[] out) {
        if (out.length < users * items) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, " + users + " users need " + users * items);
        }
        Buffers b = buffers(users);
        int hd = hidden;
        int n = users * hd;
        float[][] h = b.h;
        for (int l = 0; l < Encoder.LAYERS; l++) {
            float[] a = b.a;
            if (l == 0) {
                for (int u = 0; u < users; u++) {
                    int[] cols = columns[u];
                    int o = u * hd;
                    System.arraycopy(fcB[0], 0, a, o, hd);
                    float v = (float) (1.0 / Math.sqrt(cols.length));
                    for (int c : cols) {
                        Gemm.axpy(hd, v, fc1T, c * hd, a, o);
                    }
                }
            } else {
                float[] bias = fcB[l];
                float[] hsum = b.hsum;
                for (int u = 0; u < users; u++) {
                    int o = u * hd;
                    for (int c = 0; c < hd; c++) {
                        a[o + c] = hsum[o + c] + bias[c];
                    }
                }
                Gemm.mm(false, true, users, hd, hd, 1f, h[l - 1], 0, hd, fcW[l], 0, hd, 1f, a, 0, hd);
            }
            Layers.swish(a, b.sig, h[l], n);
            Layers.layerNorm(h[l], users, hd, lnW[l], lnB[l], lnEps, h[l], b.xhat, b.invStd);
            if (l == 0) {
                System.arraycopy(h[0], 0, b.hsum, 0, n);
            } else if (l < Encoder.LAYERS - 1) {
                float[] hl = h[l];
                float[] hsum = b.hsum;
                for (int i = 0; i < n; i++) {
                    hsum[i] += hl[i];
                }
            }
        }
        float[] mu = b.mu;
        for (int u = 0; u < users; u++) {
            System.arraycopy(muB, 0, mu, u * latent, latent);
        }
        Gemm.mm(false, true, users, latent, hd, 1f, h[Encoder.LAYERS - 1], 0, hd, muW, 0, hd, 1f, mu, 0, latent);
        for (int u = 0; u < users; u++) {
            System.arraycopy(decB, 0, out, u * items, items);
        }
        Gemm.mm(false, true, users, items, latent, 1f, mu, 0, latent, decW, 0, latent, 1f, out, 0, items);
    }

    private Buffers buffers(int users) {
        Buffers b = buffers.get();
        if (b == null || b.capacity < users) {
            b = new Buffers(Math.max(users, b == null ? 1 : 2 * b.capacity), hidden, latent);
            buffers.set(b);
        }
        return b;
    }

    /** One thread's activations for up to {@code capacity} users. */
    private static final class Buffers {
        final int capacity;
        final float[] a;
        final float[] sig;
        final float[] xhat;
        final float[] hsum;
        final float[][] h = new float[Encoder.LAYERS][];
        final float[] invStd;
        final float[] mu;

        Buffers(int capacity, int hidden, int latent) {
            this.capacity = capacity;
            int n = capacity * hidden;
            a = new float[n];
            sig = new float[n];
            xhat = new float[n];
            hsum = new float[n];
            for (int l = 0; l < Encoder.LAYERS; l++) {
                h[l] = new float[n];
            }
            invStd = new float[capacity];
            mu = new float[capacity * latent];
        }
    }
}
