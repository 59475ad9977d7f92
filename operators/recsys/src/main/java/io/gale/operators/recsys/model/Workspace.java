package io.gale.operators.recsys.model;

import java.util.Arrays;

/** Activation buffers of one worker thread for up to {@code capacity} rows, and the passes over them. */
final class Workspace {
    final int capacity;
    final int hidden;
    final int latent;
    final int items;
    final float[][] a = new float[Encoder.LAYERS][];
    final float[][] sig = new float[Encoder.LAYERS][];
    final float[][] xhat = new float[Encoder.LAYERS][];
    final float[][] h = new float[Encoder.LAYERS][];
    final float[][] invStd = new float[Encoder.LAYERS][];
    final float[] hsum;
    final float[] dh;
    final float[] da;
    final float[] acc;
    final float[] mu;
    final float[] lv;
    final float[] z;
    final float[] std;
    final float[] dz;
    final float[] dmu;
    final float[] dlv;
    final float[] weight;
    final float[] logits;

    Workspace(int capacity, int items, int hidden, int latent) {
        this.capacity = capacity;
        this.items = items;
        this.hidden = hidden;
        this.latent = latent;
        int rh = capacity * hidden;
        for (int l = 0; l < Encoder.LAYERS; l++) {
            a[l] = new float[rh];
            sig[l] = new float[rh];
            xhat[l] = new float[rh];
            h[l] = new float[rh];
            invStd[l] = new float[capacity];
        }
        hsum = new float[rh];
        dh = new float[rh];
        da = new float[rh];
        acc = new float[rh];
        int rl = capacity * latent;
        mu = new float[rl];
        lv = new float[rl];
        z = new float[rl];
        std = new float[rl];
        dz = new float[rl];
        dmu = new float[rl];
        dlv = new float[rl];
        weight = new float[capacity];
        logits = new float[capacity * items];
    }

    /** Encoder forward over rows r0 .. r0+rows of the CSR input; fills mu and lv (and logvar heads). */
    void encode(Encoder e, float lnEps, int[] indptr, int[] indices, float[] values, int r0, int rows) {
        int hd = hidden;
        int n = rows * hd;
        for (int l = 0; l < Encoder.LAYERS; l++) {
            float[] al = a[l];
            if (l == 0) {
                Layers.sparseLinear(indptr, indices, values, r0, rows, e.fc1T, e.fcB[0], hd, al);
            } else {
                float[] b = e.fcB[l];
                for (int r = 0; r < rows; r++) {
                    int o = r * hd;
                    for (int c = 0; c < hd; c++) {
                        al[o + c] = hsum[o + c] + b[c];
                    }
                }
                Gemm.mm(false, true, rows, hd, hd, 1f, h[l - 1], 0, hd, e.fcW[l], 0, hd, 1f, al, 0, hd);
            }
            Layers.swish(al, sig[l], h[l], n);
            Layers.layerNorm(h[l], rows, hd, e.lnW[l], e.lnB[l], lnEps, h[l], xhat[l], invStd[l]);
            if (l == 0) {
                System.arraycopy(h[0], 0, hsum, 0, n);
            } else if (l < Encoder.LAYERS - 1) {
                float[] hl = h[l];
                for (int i = 0; i < n; i++) {
                    hsum[i] += hl[i];
                }
            }
        }
        Layers.linear(h[Encoder.LAYERS - 1], rows, hd, e.muW, e.muB, latent, mu);
        Layers.linear(h[Encoder.LAYERS - 1], rows, hd, e.lvW, e.lvB, latent, lv);
    }

    /** Encoder backward from dmu and dlv (after {@link #encode} on the same rows); adds into g. */
    void encodeBackward(Encoder e, Encoder g, int[] indptr, int[] indices, float[] values, int r0, int rows) {
        int hd = hidden;
        int n = rows * hd;
        float[] h5 = h[Encoder.LAYERS - 1];
        Layers.linearBackward(h5, dmu, rows, hd, latent, e.muW, g.muW, g.muB, dh, false);
        Layers.linearBackward(h5, dlv, rows, hd, latent, e.lvW, g.lvW, g.lvB, dh, true);
        Arrays.fill(acc, 0, n, 0f);
        for (int l = Encoder.LAYERS - 1; l >= 0; l--) {
            Layers.layerNormBackward(dh, xhat[l], invStd[l], rows, hd, e.lnW[l], da, g.lnW[l], g.lnB[l]);
            Layers.swishBackward(a[l], sig[l], da, da, n);
            if (l > 0) {
                for (int i = 0; i < n; i++) {
                    acc[i] += da[i];
                }
                Gemm.mm(true, false, hd, hd, rows, 1f, da, 0, hd, h[l - 1], 0, hd, 1f, g.fcW[l], 0, hd);
                Layers.colSumAdd(da, rows, hd, g.fcB[l]);
                System.arraycopy(acc, 0, dh, 0, n);
                Gemm.mm(false, false, rows, hd, hd, 1f, da, 0, hd, e.fcW[l], 0, hd, 1f, dh, 0, hd);
            } else {
                Layers.sparseLinearBackward(indptr, indices, values, r0, rows, da, hd, g.fc1T, g.fcB[0]);
            }
        }
    }

    /**
     * Loss terms and gradients for batch rows r0 .. r0+rows. Gradients are those of the batch
     * loss -(mean mll - mean kld) with the mean over {@code batchRows}; they are added into
     * gEnc (unless phase is DECODER) and gDec (unless phase is ENCODER).
     * Returns {sum of mll, sum of weighted kl} over the rows.
     */
    double[] step(RecVae model, BatchInput in, int r0, int rows, int batchRows, RecVae.Phase phase,
                  Encoder gEnc, Decoder gDec) {
        int rl = rows * latent;
        int lOff = r0 * latent;
        if (phase == RecVae.Phase.DECODER) {
            // encoder with dropout 0 == freshly refreshed prior encoder: reuse its posterior
            System.arraycopy(in.priorMu(), lOff, mu, 0, rl);
            System.arraycopy(in.priorLogvar(), lOff, lv, 0, rl);
        } else {
            encode(model.encoder, model.lnEps, in.indptr(), in.indices(), in.values(), r0, rows);
        }
        Layers.reparameterize(mu, lv, in.eps(), lOff, z, std, rl);
        Decoder d = model.decoder;
        Layers.linear(z, rows, latent, d.w, d.b, items, logits);
        float scale = 1f / batchRows;
        double mll = Layers.multinomial(logits, rows, items, in.indptr(), in.indices(), r0, scale, true);
        for (int r = 0; r < rows; r++) {
            weight[r] = (float) (model.config.gamma() * in.counts()[r0 + r]);
        }
        boolean encoderGrads = phase != RecVae.Phase.DECODER;
        if (encoderGrads) {
            Arrays.fill(dz, 0, rl, 0f);
            Arrays.fill(dmu, 0, rl, 0f);
            Arrays.fill(dlv, 0, rl, 0f);
        }
        double kl = Layers.compositeKl(z, mu, lv, in.priorMu(), in.priorLogvar(), lOff, weight, 0,
                rows, latent, RecVae.LOG_MIXTURE, RecVae.UNIFORM_LOGVAR, scale,
                encoderGrads ? dz : null, dmu, dlv);
        if (phase != RecVae.Phase.ENCODER) {
            Layers.linearBackward(z, logits, rows, latent, items, d.w, gDec.w, gDec.b, null, false);
        }
        if (encoderGrads) {
            Gemm.mm(false, false, rows, latent, items, 1f, logits, 0, items, d.w, 0, latent, 1f, dz, 0, latent);
            Layers.reparameterizeBackward(dz, in.eps(), lOff, std, dmu, dlv, rl);
            encodeBackward(model.encoder, gEnc, in.indptr(), in.indices(), in.values(), r0, rows);
        }
        return new double[] {mll, kl};
    }

    /** Deterministic scores (z = mu, no dropout) of rows r0 .. r0+rows into out (rows x items). */
    void score(RecVae model, int[] indptr, int[] indices, float[] values, int r0, int rows, float[] out, int outOff) {
        encode(model.encoder, model.lnEps, indptr, indices, values, r0, rows);
        Decoder d = model.decoder;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(d.b, 0, out, outOff + r * items, items);
        }
        Gemm.mm(false, true, rows, items, latent, 1f, mu, 0, latent, d.w, 0, latent, 1f, out, outOff, items);
    }
}
