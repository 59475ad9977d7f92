package io.gale.operators.recsys.data;

import java.time.Instant;
import java.util.Arrays;

/**
 * Interactions with the time each happened ({@code epochSeconds[i]} for pair i): what a run over
 * time-chunked data selects from, up to the end of its data interval.
 */
public record StampedInteractions(int[] users, int[] items, long[] epochSeconds) {

    public StampedInteractions {
        if (users.length != items.length || users.length != epochSeconds.length) {
            throw new IllegalArgumentException("users, items and timestamps differ in length");
        }
    }

    public int size() {
        return users.length;
    }

    /** All pairs, without their times. */
    public Interactions interactions() {
        return new Interactions(users, items);
    }

    /** The pairs with {@code from <= time < until}; {@code from} null for no lower bound. */
    public Interactions between(Instant from, Instant until) {
        long lo = from == null ? Long.MIN_VALUE : from.getEpochSecond();
        long hi = until.getEpochSecond();
        int[] keep = new int[size()];
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (epochSeconds[i] >= lo && epochSeconds[i] < hi) {
                keep[n++] = i;
            }
        }
        int[] u = new int[n];
        int[] it = new int[n];
        for (int k = 0; k < n; k++) {
            u[k] = users[keep[k]];
            it[k] = items[keep[k]];
        }
        return new Interactions(u, it);
    }

    /** The earliest and latest time, or null when empty. */
    public Instant[] span() {
        if (size() == 0) {
            return null;
        }
        long[] s = epochSeconds.clone();
        Arrays.sort(s);
        return new Instant[] {Instant.ofEpochSecond(s[0]), Instant.ofEpochSecond(s[s.length - 1])};
    }
}
