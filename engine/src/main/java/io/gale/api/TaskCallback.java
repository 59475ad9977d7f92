package io.gale.api;

/**
 * Called after a try ends: on success, on failure (no tries left) or on retry. The scheduler
 * records the callback with the try's end (the callback outbox) and runs it afterwards, with a
 * time limit, appending what it logs to the try's log; a kill between the two delivers it after a
 * restart. {@code error} is a {@link TaskFailure} with the recorded message of what ended the try,
 * or {@code null} on success. A callback that throws or times out is tried again a few times, then
 * given up (logged); it never changes the task's state. Delivery is at least once: a scheduler
 * killed while a callback runs leaves it to run again, so a callback with outside effects can use
 * {@link TaskContext#callbackId()} as an idempotency key.
 */
@FunctionalInterface
public interface TaskCallback {

    void call(TaskContext ctx, Throwable error) throws Exception;
}
