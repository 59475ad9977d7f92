package io.gale.operators.recsys;

/**
 * Positive (user, item) pairs with raw ids, as read from a file; {@code users[i]} interacted
 * with {@code items[i]}. Duplicates are allowed here and merged when a matrix is built.
 */
public record Interactions(int[] users, int[] items) {
    public Interactions {
        if (users.length != items.length) {
            throw new IllegalArgumentException("users and items differ in length");
        }
    }

    public int size() {
        return users.length;
    }
}
