package io.gale.core;

import java.util.Locale;

/** Airflow's task callbacks: which one a try's end calls for. */
public enum CallbackKind {
    ON_SUCCESS, ON_RETRY, ON_FAILURE;

    /** The name Airflow and the database use: {@code on_success}, {@code on_retry}, {@code on_failure}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code id}. */
    public static CallbackKind of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** The callback a try ending in {@code state} calls for, if any (skipped and the rest call none). */
    public static java.util.Optional<CallbackKind> forEnd(TaskState state) {
        return java.util.Optional.ofNullable(switch (state) {
            case SUCCESS -> ON_SUCCESS;
            case UP_FOR_RETRY -> ON_RETRY;
            case FAILED -> ON_FAILURE;
            default -> null;
        });
    }
}
