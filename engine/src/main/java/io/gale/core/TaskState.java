package io.gale.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Airflow's task instance states, stored by their lowercase names. */
public enum TaskState {
    NONE, SCHEDULED, QUEUED, RUNNING, SUCCESS, FAILED, UP_FOR_RETRY, UPSTREAM_FAILED, SKIPPED, REMOVED, RESTARTING;

    public static final Set<TaskState> FINISHED = EnumSet.of(SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED, REMOVED);
    public static final Set<TaskState> UNFINISHED = EnumSet.complementOf(EnumSet.copyOf(FINISHED));

    public boolean finished() {
        return FINISHED.contains(this);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
