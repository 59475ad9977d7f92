package io.gale.api;

import java.util.Locale;

/**
 * When a task may run, given the states of its direct upstream tasks: Airflow's trigger rules.
 * {@link #ALL_DONE_SETUP_SUCCESS} behaves as {@link #ALL_DONE}, since Gale has no setup tasks.
 */
public enum TriggerRule {
    ALL_SUCCESS, ALL_FAILED, ALL_DONE, ALL_DONE_SETUP_SUCCESS, ONE_SUCCESS, ONE_FAILED, ONE_DONE,
    NONE_FAILED, NONE_FAILED_MIN_ONE_SUCCESS, NONE_SKIPPED, ALL_SKIPPED, ALWAYS;

    /** Airflow's spelling, e.g. {@code one_failed}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Airflow's spelling ({@code none_failed}) or the constant name. */
    public static TriggerRule of(String id) {
        try {
            return valueOf(id.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown trigger rule '" + id + "': use one of "
                    + java.util.Arrays.stream(values()).map(TriggerRule::id).toList());
        }
    }
}
