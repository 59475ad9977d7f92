package io.gale.operators.recsys.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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

    /** Number of distinct users. */
    public int distinctUsers() {
        return (int) Arrays.stream(users).distinct().count();
    }

    /** Number of distinct items. */
    public int distinctItems() {
        return (int) Arrays.stream(items).distinct().count();
    }

    /**
     * Distinct pairs, keeping items with at least {@code minUsersPerItem} users, then users with at
     * least {@code minItemsPerUser} of the kept items (the Mult-VAE preprocessing order).
     */
    public Interactions filter(int minItemsPerUser, int minUsersPerItem) {
        long[] pairs = new long[size()];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = ((long) users[i] << 32) | items[i];
        }
        pairs = Arrays.stream(pairs).sorted().distinct().toArray();
        Map<Integer, Integer> itemCount = new HashMap<>();
        for (long p : pairs) {
            itemCount.merge((int) p, 1, Integer::sum);
        }
        pairs = Arrays.stream(pairs).filter(p -> itemCount.get((int) p) >= minUsersPerItem).toArray();
        Map<Integer, Integer> userCount = new HashMap<>();
        for (long p : pairs) {
            userCount.merge((int) (p >>> 32), 1, Integer::sum);
        }
        pairs = Arrays.stream(pairs).filter(p -> userCount.get((int) (p >>> 32)) >= minItemsPerUser).toArray();
        int[] u = new int[pairs.length];
        int[] it = new int[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            u[i] = (int) (pairs[i] >>> 32);
            it[i] = (int) pairs[i];
        }
        return new Interactions(u, it);
    }

    /** Writes the pairs as a {@code uid,sid} CSV with a header, readable by {@link InteractionReader#readPairs(Path)}. */
    public void write(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("uid,sid\n");
            for (int i = 0; i < size(); i++) {
                out.write(users[i] + "," + items[i] + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
