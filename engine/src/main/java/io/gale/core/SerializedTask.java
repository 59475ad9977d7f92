package io.gale.core;

import io.gale.api.Task;
import io.gale.api.TriggerRule;
import java.time.Duration;
import java.util.List;

/**
 * A task as the scheduler, the CLI and the REST API see it: everything but its code.
 *
 * @param operator         the operator's class name, e.g. {@code io.gale.operators.BashOperator}, or {@code lambda}
 * @param operatorName     the short name shown to users, e.g. {@code BashOperator}
 * @param upstreamIds      direct upstream task ids, in declaration order
 * @param maxRetryDelay    null for no cap
 * @param executionTimeout null for none
 * @param callbacks        which callbacks the task has ({@code on_success}, {@code on_retry}, {@code on_failure})
 */
public record SerializedTask(String id, String operator, String operatorName, TriggerRule triggerRule, int retries,
                             Duration retryDelay, boolean retryExponentialBackoff, Duration maxRetryDelay,
                             Duration executionTimeout, List<String> upstreamIds, List<String> callbacks) {

    public SerializedTask {
        upstreamIds = List.copyOf(upstreamIds);
        callbacks = List.copyOf(callbacks);
    }

    /** The serialized form of a built task. */
    public static SerializedTask of(Task t) {
        List<String> callbacks = new java.util.ArrayList<>();
        if (t.onSuccess() != null) callbacks.add("on_success");
        if (t.onRetry() != null) callbacks.add("on_retry");
        if (t.onFailure() != null) callbacks.add("on_failure");
        String operator = "lambda".equals(t.operatorName()) ? "lambda" : t.operator().getClass().getName();
        return new SerializedTask(t.id(), operator, t.operatorName(), t.triggerRule(), t.retries(), t.retryDelay(),
                t.retryExponentialBackoff(), t.maxRetryDelay(), t.executionTimeout(), List.copyOf(t.upstreamIds()), callbacks);
    }

    /** Tries a task instance gets: its retries plus one. */
    public int maxTries() {
        return retries + 1;
    }
}
