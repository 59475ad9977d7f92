package io.gale.operators.recsys.artifact;

/** An item id that the model was not trained on. */
public class UnknownItemException extends IllegalArgumentException {
    private final int itemId;

    public UnknownItemException(int itemId, int knownItems) {
        super("unknown item id " + itemId + " (the model knows " + knownItems + " items)");
        this.itemId = itemId;
    }

    public int itemId() {
        return itemId;
    }
}
