package io.gale.operators.recsys.model;

/** Single-precision exponential, faster than {@code (float) Math.exp(x)} and within 1e-7 relative. */
final class FastMath {
    private FastMath() {
    }

    /** exp(x) for float x (Cephes expf: x = n ln2 + r, degree-6 polynomial for exp(r)). */
    static float exp(float x) {
        if (x > 88.72283f) {
            return Float.POSITIVE_INFINITY;
        }
        if (x < -87.33654f) {
            return (float) Math.exp(x);
        }
        float fn = (float) Math.floor(x * 1.44269504f + 0.5f);
        float r = x - fn * 0.693359375f;
        r = r - fn * -2.12194440e-4f;
        float r2 = r * r;
        float p = 1.9875691500E-4f;
        p = p * r + 1.3981999507E-3f;
        p = p * r + 8.3334519073E-3f;
        p = p * r + 4.1665795894E-2f;
        p = p * r + 1.6666665459E-1f;
        p = p * r + 5.0000001201E-1f;
        p = p * r2 + r + 1f;
        return p * Float.intBitsToFloat(((int) fn + 127) << 23);
    }
}
