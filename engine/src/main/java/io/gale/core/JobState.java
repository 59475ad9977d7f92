package io.gale.core;

import java.util.Locale;

/** Airflow's job states for a scheduler process: running, then success (stopped) or failed (judged gone). */
public enum JobState {
    RUNNING, SUCCESS, FAILED;

    /** The lowercase name stored in the database. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state stored as {@code id}. */
    public static JobState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
