package io.gale.api;

/**
 * Called after a try ends: on success, on failure (no tries left) or on retry. {@code error} is
 * the exception that ended the try, or {@code null} on success. A callback that throws is logged
 * in the task's log and does not change the task's state.
 */
@FunctionalInterface
public interface TaskCallback {

    void call(TaskContext ctx, Throwable error) throws Exception;
}
