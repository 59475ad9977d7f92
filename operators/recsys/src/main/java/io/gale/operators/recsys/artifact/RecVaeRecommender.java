package io.gale.operators.recsys.artifact;

import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.eval.TopK;
import io.gale.operators.recsys.model.FoldInScorer;
import java.util.HashMap;
import java.util.Map;

/** A trained model with its item-id mapping: recommends raw item ids from raw item ids. */
public final class RecVaeRecommender {
    private final RecVae model;
    private final RecVaeSidecar sidecar;
    private final int[] itemIds;
    private final Map<Integer, Integer> columnOf = new HashMap<>();
    /** Scores of a batch, per thread (the server's threads score batch after batch). */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);
    private volatile FoldInScorer foldIn;

    public RecVaeRecommender(RecVae model, RecVaeSidecar sidecar) {
        if (sidecar.itemIds().length != model.items()) {
            throw new IllegalArgumentException("sidecar maps " + sidecar.itemIds().length
                    + " items, the model has " + model.items());
        }
        this.model = model;
        this.sidecar = sidecar;
        this.itemIds = sidecar.itemIds().clone();
        for (int c = 0; c < itemIds.length; c++) {
            if (columnOf.put(itemIds[c], c) != null) {
                throw new IllegalArgumentException("duplicate item id " + itemIds[c] + " in the mapping");
            }
        }
    }

    public RecVae model() {
        return model;
    }

    public RecVaeSidecar sidecar() {
        return sidecar;
    }

    /** Whether the model knows the raw item id. */
    public boolean knows(int itemId) {
        return columnOf.containsKey(itemId);
    }

    /** How many items the model ranks. */
    public int items() {
        return itemIds.length;
    }

    /** Scores of all items (model column order) for a user who knows the given raw item ids. */
    public float[] scores(int[] knownItemIds) {
        return model.scores(columns(knownItemIds));
    }

    /**
     * The k best raw item ids for a user who knows {@code knownItemIds} (raw ids), best first,
     * known items excluded. Fewer than k when the catalogue is smaller.
     */
    public int[] recommend(int[] knownItemIds, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0: " + k);
        }
        int[] cols = columns(knownItemIds);
        float[] s = model.scores(cols);
        boolean[] excluded = new boolean[itemIds.length];
        for (int c : cols) {
            excluded[c] = true;
        }
        int[] top = TopK.select(s, 0, s.length, k, excluded);
        int[] out = new int[top.length];
        for (int i = 0; i < top.length; i++) {
            out[i] = itemIds[top[i]];
        }
        return out;
    }

    /**
     * {@link #recommend} for several users at once, as the model server calls it: one pass of the
     * {@link FoldInScorer} over the weights for all of them, buffers reused per thread, so the
     * answers allocate little more than themselves. {@code result[u]} is the top {@code k[u]} for
     * {@code knownItemIds[u]}. Scores may differ from {@link #recommend(int[], int)}'s in the last
     * float bits (the products sum in another order), so two items whose scores tie within that
     * noise may come in the other order.
     */
    public int[][] recommend(int[][] knownItemIds, int[] k) {
        int rows = knownItemIds.length;
        int[][] cols = new int[rows][];
        for (int r = 0; r < rows; r++) {
            if (k[r] < 0) {
                throw new IllegalArgumentException("k must be >= 0: " + k[r]);
            }
            cols[r] = columns(knownItemIds[r]);
            java.util.Arrays.sort(cols[r]);
        }
        int n = itemIds.length;
        float[] s = SCORES.get();
        if (s.length < rows * n) {
            s = new float[rows * n];
            SCORES.set(s);
        }
        foldIn().score(cols, rows, s);
        int[][] out = new int[rows][];
        boolean[] excluded = new boolean[n];
        for (int r = 0; r < rows; r++) {
            for (int c : cols[r]) {
                excluded[c] = true;
            }
            int[] top = TopK.select(s, r * n, n, k[r], excluded);
            for (int c : cols[r]) {
                excluded[c] = false;
            }
            out[r] = new int[top.length];
            for (int i = 0; i < top.length; i++) {
                out[r][i] = itemIds[top[i]];
            }
        }
        return out;
    }

    /** The serving forward pass of this model, built (weights transposed) on first use. */
    public FoldInScorer foldIn() {
        FoldInScorer f = foldIn;
        if (f == null) {
            synchronized (this) {
                f = foldIn;
                if (f == null) {
                    f = new FoldInScorer(model);
                    foldIn = f;
                }
            }
        }
        return f;
    }

    private int[] columns(int[] knownItemIds) {
        return java.util.Arrays.stream(knownItemIds).map(id -> {
            Integer c = columnOf.get(id);
            if (c == null) {
                throw new UnknownItemException(id, itemIds.length);
            }
            return c;
        }).distinct().toArray();
    }
}
