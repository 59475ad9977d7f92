package io.gale.schedule;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Airflow's {@code OnceTimetable} ({@code @once}): a single automated run at the DAG's start date,
 * covering the zero-length interval {@code [start_date, start_date]}, whatever the catchup setting.
 */
public record OnceTimetable() implements Timetable {

    @Override
    public Optional<DagRunInfo> nextDagRunInfo(DataInterval lastAutomated, TimeRestriction restriction, Instant now) {
        Objects.requireNonNull(restriction, "restriction");
        Instant runAfter = restriction.earliest();
        if (lastAutomated != null || runAfter == null) {
            return Optional.empty();
        }
        if (restriction.latest() != null && runAfter.isAfter(restriction.latest())) {
            return Optional.empty();
        }
        return Optional.of(DagRunInfo.exact(runAfter));
    }

    @Override
    public DataInterval inferManualDataInterval(Instant runAfter) {
        return DataInterval.exact(runAfter);
    }

    @Override
    public String summary() {
        return "@once";
    }
}
