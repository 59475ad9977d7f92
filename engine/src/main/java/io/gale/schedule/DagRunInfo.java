package io.gale.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * What a timetable says about the next automated DAG run: the earliest moment it may be created
 * ({@code runAfter}) and the data interval it covers.
 */
public record DagRunInfo(Instant runAfter, DataInterval dataInterval) {

    /** Validates that both components are present. */
    public DagRunInfo {
        Objects.requireNonNull(runAfter, "runAfter");
        Objects.requireNonNull(dataInterval, "dataInterval");
    }

    /** A run covering {@code [start, end)} that may start once the interval has ended. */
    public static DagRunInfo interval(Instant start, Instant end) {
        return new DagRunInfo(end, new DataInterval(start, end));
    }

    /** A run at a single point in time, covering the zero-length interval {@code [at, at]}. */
    public static DagRunInfo exact(Instant at) {
        return new DagRunInfo(at, DataInterval.exact(at));
    }

    /** The run's logical date, which is the start of its data interval. */
    public Instant logicalDate() {
        return dataInterval.start();
    }
}
