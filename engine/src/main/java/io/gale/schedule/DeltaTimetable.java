package io.gale.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Airflow's {@code DeltaDataIntervalTimetable}: back-to-back intervals of a fixed length in absolute
 * time, the first starting exactly at the DAG's start date.
 *
 * @param interval the length of every data interval; must be positive
 */
public record DeltaTimetable(Duration interval) implements Timetable {

    /** Rejects a missing, zero or negative interval. */
    public DeltaTimetable {
        Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new InvalidScheduleException(interval.toString(), "interval must be positive");
        }
    }

    @Override
    public Optional<DagRunInfo> nextDagRunInfo(DataInterval lastAutomated, TimeRestriction restriction, Instant now) {
        Objects.requireNonNull(restriction, "restriction");
        Instant earliest = restriction.earliest();
        if (!restriction.catchup()) {
            Instant latestStart = Objects.requireNonNull(now, "now").minus(interval);
            earliest = earliest == null || latestStart.isAfter(earliest) ? latestStart : earliest;
        }
        Instant start;
        if (lastAutomated == null) {
            if (earliest == null) {
                return Optional.empty();
            }
            start = earliest;
        } else {
            start = lastAutomated.end();
            if (earliest != null && earliest.isAfter(start)) {
                start = earliest;
            }
        }
        if (restriction.latest() != null && start.isAfter(restriction.latest())) {
            return Optional.empty();
        }
        return Optional.of(DagRunInfo.interval(start, start.plus(interval)));
    }

    @Override
    public DataInterval inferManualDataInterval(Instant runAfter) {
        return new DataInterval(runAfter.minus(interval), runAfter);
    }

    @Override
    public String summary() {
        return interval.toString();
    }
}
