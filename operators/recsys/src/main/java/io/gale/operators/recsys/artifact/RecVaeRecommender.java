package io.gale.operators.recsys.artifact;

import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.eval.TopK;
import java.util.HashMap;
import java.util.Map;

/** A trained model with its item-id mapping: recommends raw item ids from raw item ids. */
public final class RecVaeRecommender {
    private final RecVae model;
    private final RecVaeSidecar sidecar;
    private final int[] itemIds;
    private final Map<Integer, Integer> columnOf = new HashMap<>();

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
     * {@link #recommend} for several users in one forward pass (one matrix product per layer instead
     * of one per user, so the weights are read once): {@code result[u]} is the top {@code k[u]} for
     * {@code knownItemIds[u]}. Scores may differ from single-user scoring in the last float bits.
     */
    public int[][] recommend(int[][] knownItemIds, int[] k) {
        int rows = knownItemIds.length;
        int[][] cols = new int[rows][];
        int[] indptr = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
            if (k[r] < 0) {
                throw new IllegalArgumentException("k must be >= 0: " + k[r]);
            }
            cols[r] = columns(knownItemIds[r]);
            java.util.Arrays.sort(cols[r]);
            indptr[r + 1] = indptr[r] + cols[r].length;
        }
        int[] indices = new int[indptr[rows]];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(cols[r], 0, indices, indptr[r], cols[r].length);
        }
        float[] s = model.score(new io.gale.operators.recsys.data.CsrMatrix(rows, itemIds.length, indptr, indices), 0, rows);
        int[][] out = new int[rows][];
        boolean[] excluded = new boolean[itemIds.length];
        for (int r = 0; r < rows; r++) {
            for (int c : cols[r]) {
                excluded[c] = true;
            }
            int[] top = TopK.select(s, r * itemIds.length, itemIds.length, k[r], excluded);
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
