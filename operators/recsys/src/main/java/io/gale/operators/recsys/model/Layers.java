package io.gale.operators.recsys.model;

/**
 * Forward and backward kernels of the RecVAE layers on row-major float arrays
 * ({@code rows x cols}). Backward kernels add into gradient arrays unless stated otherwise.
 */
final class Layers {
    static final double LOG_2PI = Math.log(2 * Math.PI);

    private Layers() {
    }

    /** y = x * W^T + b, with W in PyTorch layout [out, in]. */
    static void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, 0, y, r * out, out);
        }
        Gemm.mm(false, true, rows, out, in, 1f, x, 0, in, w, 0, in, 1f, y, 0, out);
    }

    /** dW += dy^T x, db += colsum(dy); if dx != null: dx = dy W (+ dx when accumulate). */
    static void linearBackward(float[] x, float[] dy, int rows, int in, int out, float[] w,
                               float[] dw, float[] db, float[] dx, boolean accumulateDx) {
        Gemm.mm(true, false, out, in, rows, 1f, dy, 0, out, x, 0, in, 1f, dw, 0, in);
        colSumAdd(dy, rows, out, db);
        if (dx != null) {
            Gemm.mm(false, false, rows, in, out, 1f, dy, 0, out, w, 0, in, accumulateDx ? 1f : 0f, dx, 0, in);
        }
    }

    static void colSumAdd(float[] y, int rows, int cols, float[] acc) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                acc[c] += y[o + c];
            }
        }
    }

    /**
     * y[r] = b + sum over nonzeros p of row r (rows r0 .. r0+rows of the CSR) of
     * values[p] * wt[indices[p]], with wt the transposed weight [in, out].
     */
    static void sparseLinear(int[] indptr, int[] indices, float[] values, int r0, int rows,
                             float[] wt, float[] b, int out, float[] y) {
        for (int r = 0; r < rows; r++) {
            int o = r * out;
            System.arraycopy(b, 0, y, o, out);
            for (int p = indptr[r0 + r]; p < indptr[r0 + r + 1]; p++) {
                float v = values[p];
                if (v == 0f) {
                    continue;
                }
                Gemm.axpy(out, v, wt, indices[p] * out, y, o);
            }
        }
    }

    /** dWt[indices[p]] += values[p] * dy[r] over the nonzeros; db += colsum(dy). */
    static void sparseLinearBackward(int[] indptr, int[] indices, float[] values, int r0, int rows,
                                     float[] dy, int out, float[] dwt, float[] db) {
        for (int r = 0; r < rows; r++) {
            int o = r * out;
            for (int p = indptr[r0 + r]; p < indptr[r0 + r + 1]; p++) {
                float v = values[p];
                if (v == 0f) {
                    continue;
                }
                Gemm.axpy(out, v, dy, o, dwt, indices[p] * out);
            }
        }
        colSumAdd(dy, rows, out, db);
    }

    /** s = a * sigmoid(a); sig receives sigmoid(a). */
    static void swish(float[] a, float[] sig, float[] s, int n) {
        for (int i = 0; i < n; i++) {
            float x = a[i];
            float g = 1f / (1f + FastMath.exp(-x));
            sig[i] = g;
            s[i] = x * g;
        }
    }

    /** da = ds * (sig + a * sig * (1 - sig)) (overwrites da; da may alias ds). */
    static void swishBackward(float[] a, float[] sig, float[] ds, float[] da, int n) {
        for (int i = 0; i < n; i++) {
            float g = sig[i];
            da[i] = ds[i] * (g * (1f + a[i] * (1f - g)));
        }
    }

    /**
     * Row-wise LayerNorm with biased variance: y = g * (x - mean) / sqrt(var + eps) + b.
     * Stores xhat and 1/sqrt(var + eps) for the backward pass; y may alias x.
     */
    static void layerNorm(float[] x, int rows, int d, float[] g, float[] b, float eps,
                          float[] y, float[] xhat, float[] invStd) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int c4 = d & ~3;
            for (int c = 0; c < c4; c += 4) {
                s0 += x[o + c];
                s1 += x[o + c + 1];
                s2 += x[o + c + 2];
                s3 += x[o + c + 3];
            }
            for (int c = c4; c < d; c++) {
                s0 += x[o + c];
            }
            double mean = (s0 + s1 + s2 + s3) / d;
            s0 = 0;
            s1 = 0;
            s2 = 0;
            s3 = 0;
            for (int c = 0; c < c4; c += 4) {
                double t0 = x[o + c] - mean;
                double t1 = x[o + c + 1] - mean;
                double t2 = x[o + c + 2] - mean;
                double t3 = x[o + c + 3] - mean;
                s0 += t0 * t0;
                s1 += t1 * t1;
                s2 += t2 * t2;
                s3 += t3 * t3;
            }
            for (int c = c4; c < d; c++) {
                double t = x[o + c] - mean;
                s0 += t * t;
            }
            double sq = s0 + s1 + s2 + s3;
            float inv = (float) (1.0 / Math.sqrt(sq / d + eps));
            invStd[r] = inv;
            float m = (float) mean;
            for (int c = 0; c < d; c++) {
                float xh = (x[o + c] - m) * inv;
                xhat[o + c] = xh;
                y[o + c] = g[c] * xh + b[c];
            }
        }
    }

    /**
     * LayerNorm backward: dx = invStd * (dxh - mean(dxh) - xhat * mean(dxh * xhat)) with
     * dxh = dy * g (overwrites dx; dx may alias dy); dg += sum dy * xhat, db += sum dy.
     */
    static void layerNormBackward(float[] dy, float[] xhat, float[] invStd, int rows, int d,
                                  float[] g, float[] dx, float[] dg, float[] db) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int c = 0; c < d; c++) {
                float dyc = dy[o + c];
                dg[c] += dyc * xhat[o + c];
                db[c] += dyc;
            }
            double a0 = 0;
            double a1 = 0;
            double b0 = 0;
            double b1 = 0;
            int c2 = d & ~1;
            for (int c = 0; c < c2; c += 2) {
                float dxh0 = dy[o + c] * g[c];
                float dxh1 = dy[o + c + 1] * g[c + 1];
                a0 += dxh0;
                a1 += dxh1;
                b0 += dxh0 * xhat[o + c];
                b1 += dxh1 * xhat[o + c + 1];
            }
            if (c2 < d) {
                float dxh = dy[o + c2] * g[c2];
                a0 += dxh;
                b0 += dxh * xhat[o + c2];
            }
            float m1 = (float) ((a0 + a1) / d);
            float m2 = (float) ((b0 + b1) / d);
            float inv = invStd[r];
            for (int c = 0; c < d; c++) {
                float dxh = dy[o + c] * g[c];
                dx[o + c] = inv * (dxh - m1 - xhat[o + c] * m2);
            }
        }
    }

    /**
     * Multinomial log-likelihood of binary rows under log_softmax(logits): returns the sum over
     * the rows of sum_i x_i * log_softmax(logits)_i. When grad is true, logits is overwritten with
     * scale * d(-mll)/dlogits = scale * (n_u * softmax - x).
     */
    static double multinomial(float[] logits, int rows, int n, int[] indptr, int[] indices, int r0,
                              float scale, boolean grad) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, logits[o + i]);
            }
            int from = indptr[r0 + r];
            int to = indptr[r0 + r + 1];
            double picked = 0;
            for (int p = from; p < to; p++) {
                picked += logits[o + indices[p]];
            }
            double sum = 0;
            if (grad) {
                for (int i = 0; i < n; i++) {
                    float e = FastMath.exp(logits[o + i] - max);
                    logits[o + i] = e;
                    sum += e;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    sum += FastMath.exp(logits[o + i] - max);
                }
            }
            int count = to - from;
            double lse = max + Math.log(sum);
            total += picked - count * lse;
            if (grad) {
                float f = (float) (scale * count / sum);
                for (int i = 0; i < n; i++) {
                    logits[o + i] *= f;
                }
                for (int p = from; p < to; p++) {
                    logits[o + indices[p]] -= scale;
                }
            }
        }
        return total;
    }

    /** z = mu + eps * std with std = exp(logvar / 2). */
    static void reparameterize(float[] mu, float[] logvar, float[] eps, int epsOff, float[] z,
                               float[] std, int n) {
        for (int i = 0; i < n; i++) {
            float s = (float) Math.exp(0.5 * logvar[i]);
            std[i] = s;
            z[i] = mu[i] + eps[epsOff + i] * s;
        }
    }

    /** dmu += dz, dlogvar += dz * eps * std / 2. */
    static void reparameterizeBackward(float[] dz, float[] eps, int epsOff, float[] std,
                                       float[] dmu, float[] dlogvar, int n) {
        for (int i = 0; i < n; i++) {
            dmu[i] += dz[i];
            dlogvar[i] += 0.5f * dz[i] * eps[epsOff + i] * std[i];
        }
    }

    /** log N(x | mu, exp(logvar)), as the reference log_norm_pdf. */
    static double logNormPdf(double x, double mu, double logvar) {
        double d = x - mu;
        return -0.5 * (logvar + LOG_2PI + d * d / Math.exp(logvar));
    }

    /**
     * One-sample KL estimate against the composite prior. For each row r and latent d:
     * kl = log N(z | mu, var) - log p(z), with log p(z) = logsumexp over k of
     * log w_k + log N(z | m_k, v_k) for the components N(0, 1), N(priorMu, exp(priorLogvar)),
     * N(0, e^uniformLogvar). Returns sum_r weight[r] * sum_d kl. When dz != null, adds
     * scale * weight[r] * dkl/d{z, mu, logvar} (partial derivatives, z treated as an input)
     * into dz, dmu, dlogvar.
     */
    static double compositeKl(float[] z, float[] mu, float[] logvar, float[] priorMu,
                              float[] priorLogvar, int priorOff, float[] weight, int weightOff,
                              int rows, int latent, double[] logMix, double uniformLogvar,
                              float scale, float[] dz, float[] dmu, float[] dlogvar) {
        double total = 0;
        double invUniformVar = Math.exp(-uniformLogvar);
        for (int r = 0; r < rows; r++) {
            double w = weight[weightOff + r];
            double rowKl = 0;
            double gscale = scale * w;
            for (int d = 0; d < latent; d++) {
                int i = r * latent + d;
                double zi = z[i];
                double m = mu[i];
                double lv = logvar[i];
                double pm = priorMu[priorOff + i];
                double plv = priorLogvar[priorOff + i];
                double logq = logNormPdf(zi, m, lv);
                double g0 = logMix[0] + logNormPdf(zi, 0, 0);
                double g1 = logMix[1] + logNormPdf(zi, pm, plv);
                double g2 = logMix[2] + logNormPdf(zi, 0, uniformLogvar);
                double mx = Math.max(g0, Math.max(g1, g2));
                double e0 = Math.exp(g0 - mx);
                double e1 = Math.exp(g1 - mx);
                double e2 = Math.exp(g2 - mx);
                double se = e0 + e1 + e2;
                double logp = mx + Math.log(se);
                rowKl += logq - logp;
                if (dz != null) {
                    double invVar = Math.exp(-lv);
                    double dlogpDz = -(e0 * zi + e1 * (zi - pm) * Math.exp(-plv) + e2 * zi * invUniformVar) / se;
                    double diff = (zi - m) * invVar;
                    dz[i] += (float) (gscale * (-diff - dlogpDz));
                    dmu[i] += (float) (gscale * diff);
                    dlogvar[i] += (float) (gscale * (-0.5 + 0.5 * (zi - m) * diff));
                }
            }
            total += w * rowKl;
        }
        return total;
    }
}
