package io.gale.client;

/** A task instance's outcome as {@code dags test} prints it. */
public record TaskRunResult(String taskId, String state, int tries, Double durationSeconds) {
}
