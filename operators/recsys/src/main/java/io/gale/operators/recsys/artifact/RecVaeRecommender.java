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
