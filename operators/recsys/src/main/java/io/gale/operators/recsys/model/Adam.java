package io.gale.operators.recsys.model;

import java.util.List;

/** Adam (Kingma and Ba) with PyTorch's update order and bias corrections, no weight decay. */
final class Adam {
    private final List<float[]> params;
    private final float[][] m;
    private final float[][] v;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private int step;

    Adam(List<float[]> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8);
    }

    Adam(List<float[]> params, double lr, double beta1, double beta2, double eps) {
        this.params = params;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        m = new float[params.size()][];
        v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).length];
            v[i] = new float[params.get(i).length];
        }
    }

    int steps() {
        return step;
    }

    /** One update with the given gradients (same order and shapes as the parameters). */
    void step(List<float[]> grads, Parallel parallel) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float e = (float) eps;
        int chunks = parallel == null ? 1 : parallel.threads;
        Parallel.Task body = (chunk, worker) -> {
            for (int i = 0; i < params.size(); i++) {
                float[] p = params.get(i);
                float[] g = grads.get(i);
                float[] mi = m[i];
                float[] vi = v[i];
                int from = (int) ((long) p.length * chunk / chunks);
                int to = (int) ((long) p.length * (chunk + 1) / chunks);
                for (int k = from; k < to; k++) {
                    float gk = g[k];
                    float mk = b1 * mi[k] + (1 - b1) * gk;
                    float vk = b2 * vi[k] + (1 - b2) * gk * gk;
                    mi[k] = mk;
                    vi[k] = vk;
                    p[k] -= stepSize * mk / ((float) Math.sqrt(vk) * invSqrtBc2 + e);
                }
            }
        };
        if (parallel == null) {
            body.run(0, 0);
        } else {
            parallel.forEach(chunks, body);
        }
    }
}
