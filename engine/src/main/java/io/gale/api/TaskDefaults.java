package io.gale.api;

import java.time.Duration;

/**
 * Task arguments shared by every task of a DAG (Airflow's {@code default_args}); a task's own
 * setting wins. Built fluently: {@code TaskDefaults.of().retries(2).retryDelay(Duration.ofMinutes(1))}.
 */
public final class TaskDefaults {

    Integer retries;
    Duration retryDelay;
    Boolean retryExponentialBackoff;
    Duration maxRetryDelay;
    Duration executionTimeout;
    TriggerRule triggerRule;
    TaskCallback onSuccess;
    TaskCallback onFailure;
    TaskCallback onRetry;

    public static TaskDefaults of() {
        return new TaskDefaults();
    }

    public TaskDefaults retries(int retries) {
        this.retries = retries;
        return this;
    }

    public TaskDefaults retryDelay(Duration retryDelay) {
        this.retryDelay = retryDelay;
        return this;
    }

    public TaskDefaults retryExponentialBackoff(boolean on) {
        this.retryExponentialBackoff = on;
        return this;
    }

    public TaskDefaults maxRetryDelay(Duration maxRetryDelay) {
        this.maxRetryDelay = maxRetryDelay;
        return this;
    }

    public TaskDefaults executionTimeout(Duration executionTimeout) {
        this.executionTimeout = executionTimeout;
        return this;
    }

    public TaskDefaults triggerRule(TriggerRule triggerRule) {
        this.triggerRule = triggerRule;
        return this;
    }

    public TaskDefaults onSuccess(TaskCallback callback) {
        this.onSuccess = callback;
        return this;
    }

    public TaskDefaults onFailure(TaskCallback callback) {
        this.onFailure = callback;
        return this;
    }

    public TaskDefaults onRetry(TaskCallback callback) {
        this.onRetry = callback;
        return this;
    }
}
