package io.gale.core;

import java.util.Locale;

/** Airflow's backfill states: running until all its runs finished (completed) or someone cancelled it. */
public enum BackfillState {
    RUNNING, COMPLETED, CANCELLED;

    /** The lowercase name stored in the database. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state stored as {@code id}. */
    public static BackfillState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
