package io.gale.operators.recsys.model;

import java.util.List;
import java.util.random.RandomGenerator;

/** Decoder parameters (or gradients): weight [items, latent] (PyTorch layout) and bias [items]. */
final class Decoder extends ParamGroup {
    final int items;
    final int latent;
    final float[] w;
    final float[] b;
    private final List<float[]> tensors;

    Decoder(int items, int latent) {
        this.items = items;
        this.latent = latent;
        w = new float[items * latent];
        b = new float[items];
        tensors = List.of(w, b);
    }

    @Override
    List<float[]> tensors() {
        return tensors;
    }

    void initialize(RandomGenerator rng) {
        uniform(w, latent, rng);
        uniform(b, latent, rng);
    }
}
