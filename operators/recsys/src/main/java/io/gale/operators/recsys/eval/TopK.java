package io.gale.operators.recsys.eval;

/** Top-k selection on float scores (higher first, ties broken by lower index). */
public final class TopK {
    private TopK() {
    }

    /**
     * Indices (relative to {@code off}) of the k best of {@code scores[off .. off+n)}, best first,
     * skipping indices marked in {@code excluded} (may be null) and NaN scores. A partial selection
     * (quickselect of the k-th best score on a copy, then one pass to collect, then a sort of the k),
     * linear in n whatever the order of the scores.
     */
    public static int[] select(float[] scores, int off, int n, int k, boolean[] excluded) {
        float[] copy = new float[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            float s = scores[off + i];
            if ((excluded == null || !excluded[i]) && !Float.isNaN(s)) {
                copy[m++] = s;
            }
        }
        int cap = Math.min(k, m);
        if (cap <= 0) {
            return new int[0];
        }
        float t = kthLargest(copy, m, cap);
        long[] keys = new long[cap];
        int c = 0;
        // everything above the threshold, then ties at it by ascending index (the heap's rule)
        for (int i = 0; i < n && c < cap; i++) {
            float s = scores[off + i];
            if (s > t && (excluded == null || !excluded[i])) {
                keys[c++] = key(s, i);
            }
        }
        for (int i = 0; i < n && c < cap; i++) {
            float s = scores[off + i];
            if (s == t && (excluded == null || !excluded[i])) {
                keys[c++] = key(s, i);
            }
        }
        java.util.Arrays.sort(keys);
        int[] out = new int[cap];
        for (int j = 0; j < cap; j++) {
            out[j] = (int) keys[j];
        }
        return out;
    }

    /** A long that sorts ascending as (score descending, index ascending). */
    private static long key(float s, int i) {
        int b = Float.floatToIntBits(s == 0f ? 0f : s);
        b ^= (b >> 31) & 0x7fffffff;  // ordered like the floats, as signed ints
        return ((long) ~b << 32) | (i & 0xffffffffL);
    }

    /** The k-th largest (k from 1) of {@code a[0 .. n)}, reordering a (Hoare's quickselect). */
    private static float kthLargest(float[] a, int n, int k) {
        int target = n - k;
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            float x = a[lo];
            float y = a[mid];
            float z = a[hi];
            float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float tmp = a[i];
                    a[i] = a[j];
                    a[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }
}
