package io.gale.operators.recsys.model;

import io.gale.operators.recsys.data.CsrMatrix;
import io.gale.operators.recsys.eval.Scorer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The RecVAE model (Shenbin et al., WSDM 2020, reference code branch master): encoder with five
 * dense-residual swish + LayerNorm layers, Gaussian posterior, linear decoder with log-softmax,
 * composite prior made of N(0, I), the posterior of a frozen previous encoder and N(0, e^10 I).
 * Forward and backward passes are written by hand on float arrays.
 */
public final class RecVae implements Scorer {
    /** Mixture weights of the composite prior: standard, previous posterior, wide. */
    static final double[] MIXTURE = {3.0 / 20, 3.0 / 4, 1.0 / 10};
    static final double[] LOG_MIXTURE = {Math.log(MIXTURE[0]), Math.log(MIXTURE[1]), Math.log(MIXTURE[2])};
    static final double UNIFORM_LOGVAR = 10.0;

    /** Which parameters a training step differentiates. */
    enum Phase { ENCODER, DECODER, BOTH }

    final RecVaeConfig config;
    final int items;
    final float lnEps;
    final Encoder encoder;
    final Encoder priorEncoder;
    final Decoder decoder;

    /** A freshly initialised model (PyTorch nn.Linear defaults, seeded by {@code config.seed()}). */
    public RecVae(int items, RecVaeConfig config) {
        this(items, config, false);
        SplittableRandom rng = new SplittableRandom(config.seed());
        encoder.initialize(rng);
        priorEncoder.initialize(rng);
        decoder.initialize(rng);
    }

    RecVae(int items, RecVaeConfig config, boolean unused) {
        if (items < 1) {
            throw new IllegalArgumentException("a model needs at least one item");
        }
        this.config = config;
        this.items = items;
        this.lnEps = (float) config.layerNormEps();
        encoder = new Encoder(items, config.hiddenDim(), config.latentDim());
        priorEncoder = new Encoder(items, config.hiddenDim(), config.latentDim());
        decoder = new Decoder(items, config.latentDim());
    }

    public RecVaeConfig config() {
        return config;
    }

    public int items() {
        return items;
    }

    /** Deep copy. */
    public RecVae copy() {
        RecVae m = new RecVae(items, config, false);
        m.encoder.copyFrom(encoder);
        m.priorEncoder.copyFrom(priorEncoder);
        m.decoder.copyFrom(decoder);
        return m;
    }

    /** Copies the encoder into the frozen prior encoder (once per epoch, after the encoder phase). */
    void refreshPrior() {
        priorEncoder.copyFrom(encoder);
    }

    /** Number of trainable parameters (encoder and decoder). */
    public long parameterCount() {
        return encoder.size() + decoder.size();
    }

    /** Encoder input values: 1/||x||_2 for each nonzero of rows from .. to (indices as in x). */
    static float[] normalisedValues(CsrMatrix x) {
        float[] v = new float[x.nnz()];
        for (int r = 0; r < x.rows(); r++) {
            int n = x.rowNnz(r);
            if (n > 0) {
                Arrays.fill(v, x.indptr()[r], x.indptr()[r + 1], (float) (1.0 / Math.sqrt(n)));
            }
        }
        return v;
    }

    /** Scores (decoder logits, z = mu, no dropout) of one user given the columns of its known items. */
    public float[] scores(int[] knownColumns) {
        int[] cols = knownColumns.clone();
        Arrays.sort(cols);
        CsrMatrix x = new CsrMatrix(1, items, new int[] {0, cols.length}, cols);
        return score(x, 0, 1);
    }

    @Override
    public float[] score(CsrMatrix foldIn, int from, int to) {
        int rows = to - from;
        float[] out = new float[rows * items];
        if (rows == 0) {
            return out;
        }
        Workspace ws = new Workspace(rows, items, config.hiddenDim(), config.latentDim());
        ws.score(this, foldIn.indptr(), foldIn.indices(), normalisedValues(foldIn), from, rows, out, 0);
        return out;
    }

    /**
     * Loss of one batch and its gradients, single-threaded. Returns {loss, mean mll, mean kld};
     * the gradients of the loss are added into gEnc / gDec according to the phase.
     */
    double[] lossAndGradients(BatchInput in, Phase phase, Encoder gEnc, Decoder gDec) {
        Workspace ws = new Workspace(in.rows(), items, config.hiddenDim(), config.latentDim());
        double[] s = ws.step(this, in, 0, in.rows(), in.rows(), phase, gEnc, gDec);
        double mll = s[0] / in.rows();
        double kld = s[1] / in.rows();
        return new double[] {-(mll - kld), mll, kld};
    }
}
