package io.gale.api;

/**
 * What ended a try, as Gale recorded it: the error a callback is given. Callbacks run after the
 * try's end is recorded, in a scheduler and possibly after a restart, so they see the recorded
 * message (for an exception the operator threw, its class name and message, such as
 * {@code IllegalStateException: disk full}) rather than the exception object itself.
 */
public final class TaskFailure extends RuntimeException {

    public TaskFailure(String message) {
        super(message, null, false, false);
    }
}
