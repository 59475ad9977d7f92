package io.gale.operators.recsys.model;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * Row-major single-precision matrix products on netlib BLAS. The implementation is
 * {@code BLAS.getInstance()} (native OpenBLAS when installed, else the Java path) unless the
 * system property {@code gale.recvae.blas} is {@code java} or {@code native}.
 */
public final class Gemm {
    /**
     * netlib announces its choice of BLAS on java.util.logging at INFO; that is not for the user's
     * stderr (the choice is in the model's sidecar). Held strongly so the level sticks.
     */
    private static final java.util.logging.Logger NETLIB_LOG = quietNetlib();
    private static final BLAS BLAS_IMPL = choose(System.getProperty("gale.recvae.blas", "auto"));
    /** saxpy: the Vector API path when present (no JNI call overhead), else the main BLAS. */
    private static final BLAS AXPY_IMPL = chooseAxpy();

    private Gemm() {
    }

    private static java.util.logging.Logger quietNetlib() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.ludovic.netlib");
        if (log.getLevel() == null) {
            log.setLevel(java.util.logging.Level.WARNING);
        }
        return log;
    }

    private static BLAS choose(String which) {
        switch (which) {
            case "java":
                return JavaBLAS.getInstance();
            case "native":
                return NativeBLAS.getInstance();
            case "auto":
                return BLAS.getInstance();
            default:
                throw new IllegalArgumentException("gale.recvae.blas must be auto, java or native: " + which);
        }
    }

    private static BLAS chooseAxpy() {
        BLAS java = JavaBLAS.getInstance();
        return java.getClass().getSimpleName().equals("VectorBLAS") ? java : BLAS_IMPL;
    }

    /** {@code y[yOff ..] += alpha * x[xOff ..]} over n elements. */
    static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        AXPY_IMPL.saxpy(n, alpha, x, xOff, 1, y, yOff, 1);
    }

    /** Class name of the BLAS implementation used for saxpy (sparse layer). */
    public static String axpyImplementation() {
        return AXPY_IMPL.getClass().getName();
    }

    /** Whether products run in native code (OpenBLAS or another system BLAS). */
    public static boolean isNative() {
        return BLAS_IMPL instanceof NativeBLAS;
    }

    /**
     * Whether the native BLAS may start its own threads: true unless OPENBLAS_NUM_THREADS (or
     * OMP_NUM_THREADS) is 1. Java worker threads on top of a threaded OpenBLAS oversubscribe the cores.
     */
    public static boolean nativeMultithreaded() {
        if (!isNative()) {
            return false;
        }
        String v = System.getenv("OPENBLAS_NUM_THREADS");
        if (v == null) {
            v = System.getenv("OMP_NUM_THREADS");
        }
        return v == null || !v.strip().equals("1");
    }

    /** Class name of the BLAS implementation in use. */
    public static String implementation() {
        return BLAS_IMPL.getClass().getName();
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, all row-major: op(A) is m x k, op(B) is k x n,
     * C is m x n with leading dimension ldc (starting at cOff).
     */
    static void mm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * ldc + j] *= beta;
                }
            }
            return;
        }
        BLAS_IMPL.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }
}
