package io.gale.core;

import java.util.Locale;

/** Airflow's DAG run states. */
public enum DagRunState {
    QUEUED, RUNNING, SUCCESS, FAILED;

    public boolean finished() {
        return this == SUCCESS || this == FAILED;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DagRunState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
