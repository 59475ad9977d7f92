package io.gale.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * The half-open span of time {@code [start, end)} whose data a DAG run processes. A zero-length
 * interval ({@code start == end}) is used by runs that cover a single point in time.
 */
public record DataInterval(Instant start, Instant end) {

    /** Validates that both ends are present and that the interval does not run backwards. */
    public DataInterval {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("data interval end " + end + " is before its start " + start);
        }
    }

    /** A zero-length interval at {@code at}. */
    public static DataInterval exact(Instant at) {
        return new DataInterval(at, at);
    }

    /** Whether {@code instant} lies inside {@code [start, end)}. */
    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}
