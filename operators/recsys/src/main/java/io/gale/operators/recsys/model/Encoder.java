package io.gale.operators.recsys.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Encoder parameters (or gradients): fc1 stored transposed as [items, hidden] so that a sparse
 * input row selects contiguous rows; fc2..fc5 [hidden, hidden], heads [latent, hidden] in
 * PyTorch's [out, in] layout; five LayerNorms.
 */
final class Encoder extends ParamGroup {
    static final int LAYERS = 5;

    final int items;
    final int hidden;
    final int latent;
    final float[] fc1T;
    final float[][] fcW = new float[LAYERS][];
    final float[][] fcB = new float[LAYERS][];
    final float[][] lnW = new float[LAYERS][];
    final float[][] lnB = new float[LAYERS][];
    final float[] muW;
    final float[] muB;
    final float[] lvW;
    final float[] lvB;
    private final List<float[]> tensors;

    Encoder(int items, int hidden, int latent) {
        this.items = items;
        this.hidden = hidden;
        this.latent = latent;
        fc1T = new float[items * hidden];
        for (int l = 0; l < LAYERS; l++) {
            if (l > 0) {
                fcW[l] = new float[hidden * hidden];
            }
            fcB[l] = new float[hidden];
            lnW[l] = new float[hidden];
            lnB[l] = new float[hidden];
        }
        muW = new float[latent * hidden];
        muB = new float[latent];
        lvW = new float[latent * hidden];
        lvB = new float[latent];
        List<float[]> t = new ArrayList<>();
        t.add(fc1T);
        for (int l = 0; l < LAYERS; l++) {
            if (l > 0) {
                t.add(fcW[l]);
            }
            t.add(fcB[l]);
            t.add(lnW[l]);
            t.add(lnB[l]);
        }
        t.addAll(List.of(muW, muB, lvW, lvB));
        tensors = List.copyOf(t);
    }

    @Override
    List<float[]> tensors() {
        return tensors;
    }

    /** PyTorch defaults: Linear uniform(+-1/sqrt(fan_in)), LayerNorm scale 1 and shift 0. */
    void initialize(RandomGenerator rng) {
        float[] w1 = new float[hidden * items];
        uniform(w1, items, rng);
        for (int o = 0; o < hidden; o++) {
            for (int i = 0; i < items; i++) {
                fc1T[i * hidden + o] = w1[o * items + i];
            }
        }
        uniform(fcB[0], items, rng);
        for (int l = 0; l < LAYERS; l++) {
            if (l > 0) {
                uniform(fcW[l], hidden, rng);
                uniform(fcB[l], hidden, rng);
            }
            Arrays.fill(lnW[l], 1f);
            Arrays.fill(lnB[l], 0f);
        }
        uniform(muW, hidden, rng);
        uniform(muB, hidden, rng);
        uniform(lvW, hidden, rng);
        uniform(lvB, hidden, rng);
    }
}
