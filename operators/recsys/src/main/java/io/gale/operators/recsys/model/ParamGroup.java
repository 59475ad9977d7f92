package io.gale.operators.recsys.model;

import java.util.Arrays;
import java.util.List;

/** A fixed list of float tensors (parameters or their gradients) updated together. */
abstract class ParamGroup {
    abstract List<float[]> tensors();

    final void zero() {
        for (float[] t : tensors()) {
            Arrays.fill(t, 0f);
        }
    }

    final void copyFrom(ParamGroup other) {
        List<float[]> src = other.tensors();
        List<float[]> dst = tensors();
        for (int i = 0; i < dst.size(); i++) {
            System.arraycopy(src.get(i), 0, dst.get(i), 0, dst.get(i).length);
        }
    }

    final long size() {
        long n = 0;
        for (float[] t : tensors()) {
            n += t.length;
        }
        return n;
    }

    /** Fills a tensor like PyTorch's nn.Linear default: uniform in (-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    static void uniform(float[] t, int fanIn, java.util.random.RandomGenerator rng) {
        double bound = 1.0 / Math.sqrt(fanIn);
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }
}
