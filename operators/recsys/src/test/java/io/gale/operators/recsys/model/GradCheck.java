package io.gale.operators.recsys.model;

import java.util.function.ToDoubleFunction;

/** Central finite differences in double precision and a tolerant comparison. */
final class GradCheck {
    private GradCheck() {
    }

    /** d f / d x[i] for every i by central differences with step h (x is restored). */
    static double[] numeric(double[] x, ToDoubleFunction<double[]> f, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double old = x[i];
            x[i] = old + h;
            double fp = f.applyAsDouble(x);
            x[i] = old - h;
            double fm = f.applyAsDouble(x);
            x[i] = old;
            g[i] = (fp - fm) / (2 * h);
        }
        return g;
    }

    /**
     * Largest violation of |analytic - numeric| <= atol + rtol * |numeric|, where atol is
     * {@code absFraction} of the largest numeric magnitude; a result <= 0 means all entries pass.
     */
    static double worst(float[] analytic, double[] numeric, double rtol, double absFraction) {
        if (analytic.length != numeric.length) {
            throw new IllegalArgumentException("length " + analytic.length + " vs " + numeric.length);
        }
        double scale = 0;
        for (double v : numeric) {
            scale = Math.max(scale, Math.abs(v));
        }
        double atol = absFraction * scale + 1e-12;
        double worst = -Double.MAX_VALUE;
        for (int i = 0; i < numeric.length; i++) {
            double err = Math.abs(analytic[i] - numeric[i]) - (atol + rtol * Math.abs(numeric[i]));
            worst = Math.max(worst, err);
        }
        return worst;
    }

    static boolean matches(float[] analytic, double[] numeric) {
        return worst(analytic, numeric, 1e-3, 1e-4) <= 0;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    static float[] random(java.util.Random rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * scale);
        }
        return x;
    }
}
