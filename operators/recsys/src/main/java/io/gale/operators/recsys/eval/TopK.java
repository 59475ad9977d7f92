package io.gale.operators.recsys.eval;

/** Top-k selection on float scores (higher first, ties broken by lower index). */
public final class TopK {
    private TopK() {
    }

    /**
     * Indices (relative to {@code off}) of the k best of {@code scores[off .. off+n)}, best first,
     * skipping indices marked in {@code excluded} (may be null) and NaN scores.
     */
    public static int[] select(float[] scores, int off, int n, int k, boolean[] excluded) {
        int cap = Math.min(k, n);
        int[] heap = new int[cap];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (excluded != null && excluded[i]) {
                continue;
            }
            float s = scores[off + i];
            if (Float.isNaN(s)) {
                continue;
            }
            if (size < cap) {
                heap[size] = i;
                siftUp(heap, size++, scores, off);
            } else if (cap > 0 && better(s, i, scores[off + heap[0]], heap[0])) {
                heap[0] = i;
                siftDown(heap, size, scores, off);
            }
        }
        int[] out = new int[size];
        for (int j = size - 1; j >= 0; j--) {
            out[j] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, scores, off);
        }
        return out;
    }

    private static boolean better(float s1, int i1, float s2, int i2) {
        return s1 > s2 || (s1 == s2 && i1 < i2);
    }

    // min-heap: root is the worst kept element
    private static void siftUp(int[] heap, int pos, float[] s, int off) {
        int x = heap[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            int p = heap[parent];
            if (!better(s[off + p], p, s[off + x], x)) {
                break;
            }
            heap[pos] = p;
            pos = parent;
        }
        heap[pos] = x;
    }

    private static void siftDown(int[] heap, int size, float[] s, int off) {
        if (size == 0) {
            return;
        }
        int pos = 0;
        int x = heap[0];
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            int c = heap[child];
            if (child + 1 < size) {
                int c2 = heap[child + 1];
                if (better(s[off + c], c, s[off + c2], c2)) {
                    child++;
                    c = c2;
                }
            }
            if (!better(s[off + x], x, s[off + c], c)) {
                break;
            }
            heap[pos] = c;
            pos = child;
        }
        heap[pos] = x;
    }
}
