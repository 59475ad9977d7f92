package io.gale.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * Decides when a DAG runs automatically and which data interval each run covers. Implementations
 * are immutable and safe to share between threads.
 */
public interface Timetable {

    /**
     * Airflow's {@code next_dagrun_info}: the next automated run after {@code lastAutomated}.
     *
     * @param lastAutomated the data interval of the latest automated run, or {@code null} if none yet
     * @param restriction the DAG's start date, end date and catchup flag
     * @param now the current time, used when catchup is off
     * @return the next run, or empty when there is none
     */
    Optional<DagRunInfo> nextDagRunInfo(DataInterval lastAutomated, TimeRestriction restriction, Instant now);

    /** Airflow's {@code infer_manual_data_interval} for a manual run whose logical date is {@code runAfter}. */
    DataInterval inferManualDataInterval(Instant runAfter);

    /** True when the timetable never creates runs by itself (schedule none). */
    default boolean manualOnly() {
        return false;
    }

    /** A short human-readable description, e.g. {@code "30 2 * * * (America/New_York)"}. */
    String summary();
}
