package io.gale.core;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param queue            the queue its tries go to; left out of the JSON when {@code default} (so older rows read as it,
 *                         and the DAG's version hash does not change for tasks that name none)
 * @param pool             the pool its tries take slots of; left out when {@code default_pool}
 * @param poolSlots        slots one try takes; left out when 1
 */
public record SerializedTask(String id, String operator, String operatorName, TriggerRule triggerRule, int retries,
                             Duration retryDelay, boolean retryExponentialBackoff, Duration maxRetryDelay,
                             Duration executionTimeout, List<String> upstreamIds, List<String> callbacks,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultQueue.class) String queue,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultPool.class) String pool,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OneSlot.class) int poolSlots) {

    public SerializedTask {
        upstreamIds = List.copyOf(upstreamIds);
        callbacks = List.copyOf(callbacks);
        queue = queue == null ? Task.DEFAULT_QUEUE : queue;
        pool = pool == null ? Task.DEFAULT_POOL : pool;
        poolSlots = poolSlots < 1 ? 1 : poolSlots;
    }

    /** Leaves the default queue out of the JSON ({@code equals} true means "omit"). */
    static final class DefaultQueue {
        @Override
        public boolean equals(Object o) {
            return o == null || Task.DEFAULT_QUEUE.equals(o);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Leaves the default pool out of the JSON. */
    static final class DefaultPool {
        @Override
        public boolean equals(Object o) {
            return o == null || Task.DEFAULT_POOL.equals(o);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Leaves one pool slot out of the JSON. */
    static final class OneSlot {
        @Override
        public boolean equals(Object o) {
            return o == null || Integer.valueOf(1).equals(o);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** The serialized form of a built task. */
    public static SerializedTask of(Task t) {
        List<String> callbacks = new java.util.ArrayList<>();
        if (t.onSuccess() != null) callbacks.add("on_success");
        if (t.onRetry() != null) callbacks.add("on_retry");
        if (t.onFailure() != null) callbacks.add("on_failure");
        String operator = "lambda".equals(t.operatorName()) ? "lambda" : t.operator().getClass().getName();
        return new SerializedTask(t.id(), operator, t.operatorName(), t.triggerRule(), t.retries(), t.retryDelay(),
                t.retryExponentialBackoff(), t.maxRetryDelay(), t.executionTimeout(), List.copyOf(t.upstreamIds()), callbacks,
                t.queue(), t.pool(), t.poolSlots());
    }

    /** Tries a task instance gets: its retries plus one. */
    public int maxTries() {
        return retries + 1;
    }
}
