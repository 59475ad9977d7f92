package io.gale.schedule;

import java.time.Instant;
import java.util.Optional;

/** Airflow's {@code NullTimetable} (schedule none): the DAG only runs when triggered manually. */
public record NullTimetable() implements Timetable {

    @Override
    public Optional<DagRunInfo> nextDagRunInfo(DataInterval lastAutomated, TimeRestriction restriction, Instant now) {
        return Optional.empty();
    }

    @Override
    public DataInterval inferManualDataInterval(Instant runAfter) {
        return DataInterval.exact(runAfter);
    }

    @Override
    public boolean manualOnly() {
        return true;
    }

    @Override
    public String summary() {
        return "None";
    }
}
