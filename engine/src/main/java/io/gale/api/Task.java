package io.gale.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One task of a DAG, created by {@link Dag.Builder#task(String, Operator)} and configured
 * fluently until the DAG is built; after {@link Dag.Builder#build()} it is read-only.
 * Dependencies: {@code a.then(b)} makes {@code b} run after {@code a}; {@code a.then(b, c)} fans
 * out; {@code a.then(b, c).then(d)} fans back in.
 */
public final class Task {

    /** Airflow's default retry delay. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMinutes(5);
    /** The queue of a task that names none. */
    public static final String DEFAULT_QUEUE = "default";
    /** The pool of a task that names none (128 slots unless changed, as in Airflow). */
    public static final String DEFAULT_POOL = "default_pool";

    private final Dag.Builder owner;
    private final String id;
    private final Operator<?> operator;
    private final Set<String> upstream = new LinkedHashSet<>();
    private Integer retries;
    private Duration retryDelay;
    private Boolean retryExponentialBackoff;
    private Duration maxRetryDelay;
    private Duration executionTimeout;
    private TriggerRule triggerRule;
    private TaskCallback onSuccess;
    private TaskCallback onFailure;
    private TaskCallback onRetry;
    private String queue;
    private String pool;
    private int poolSlots = 1;
    private boolean frozen;

    Task(Dag.Builder owner, String id, Operator<?> operator) {
        this.owner = owner;
        this.id = id;
        this.operator = operator;
    }

    /** Makes {@code next} run after this task; returns {@code next} for chaining. */
    public Task then(Task next) {
        next.after(this);
        return next;
    }

    /** Makes every task of {@code next} run after this one (fan-out). */
    public Tasks then(Task... next) {
        for (Task t : next) {
            t.after(this);
        }
        return new Tasks(next);
    }

    /** Makes this task run after the given tasks (fan-in). */
    public Task after(Task... upstreamTasks) {
        for (Task t : upstreamTasks) {
            if (t.owner != owner) {
                owner.foreignLink(this, t);
            }
            dependsOn(t.id);
        }
        return this;
    }

    /** Makes this task run after the task with the given id (checked when the DAG is built). */
    public Task dependsOn(String upstreamTaskId) {
        mutable();
        upstream.add(Objects.requireNonNull(upstreamTaskId, "upstream task id"));
        return this;
    }

    /** Retries after a failed try: {@code retries + 1} tries at most. */
    public Task retries(int retries) {
        mutable();
        if (retries < 0) {
            throw new IllegalArgumentException("task '" + id + "': retries must be >= 0, got " + retries);
        }
        this.retries = retries;
        return this;
    }

    public Task retryDelay(Duration delay) {
        mutable();
        this.retryDelay = positive(delay, "retry delay");
        return this;
    }

    /** Doubles the delay on each retry with deterministic jitter, as Airflow does. */
    public Task retryExponentialBackoff(boolean on) {
        mutable();
        this.retryExponentialBackoff = on;
        return this;
    }

    public Task maxRetryDelay(Duration delay) {
        mutable();
        this.maxRetryDelay = positive(delay, "max retry delay");
        return this;
    }

    /** Interrupts a try that runs longer; the try then fails (and is retried if tries remain). */
    public Task executionTimeout(Duration timeout) {
        mutable();
        this.executionTimeout = positive(timeout, "execution timeout");
        return this;
    }

    public Task triggerRule(TriggerRule rule) {
        mutable();
        this.triggerRule = Objects.requireNonNull(rule);
        return this;
    }

    /** The queue its tries go to (default {@value #DEFAULT_QUEUE}): a remote worker runs the queues it serves. */
    public Task queue(String name) {
        mutable();
        this.queue = name(name, "queue");
        return this;
    }

    /** The pool whose slots its tries take (default {@value #DEFAULT_POOL}); the pool must exist ({@code gale pools set}). */
    public Task pool(String name) {
        mutable();
        this.pool = name(name, "pool");
        return this;
    }

    /** How many slots of its pool one try takes (default 1). */
    public Task poolSlots(int slots) {
        mutable();
        if (slots < 1) {
            throw new IllegalArgumentException("task '" + id + "': pool slots must be at least 1, got " + slots);
        }
        this.poolSlots = slots;
        return this;
    }

    public Task onSuccess(TaskCallback callback) {
        mutable();
        this.onSuccess = callback;
        return this;
    }

    public Task onFailure(TaskCallback callback) {
        mutable();
        this.onFailure = callback;
        return this;
    }

    public Task onRetry(TaskCallback callback) {
        mutable();
        this.onRetry = callback;
        return this;
    }

    public String id() {
        return id;
    }

    public Operator<?> operator() {
        return operator;
    }

    /** Ids of the direct upstream tasks, in the order they were declared. */
    public Set<String> upstreamIds() {
        return Collections.unmodifiableSet(upstream);
    }

    public int retries() {
        return retries == null ? 0 : retries;
    }

    public Duration retryDelay() {
        return retryDelay == null ? DEFAULT_RETRY_DELAY : retryDelay;
    }

    public boolean retryExponentialBackoff() {
        return retryExponentialBackoff != null && retryExponentialBackoff;
    }

    /** The cap on the retry delay, or {@code null} for none. */
    public Duration maxRetryDelay() {
        return maxRetryDelay;
    }

    /** The execution timeout, or {@code null} for none. */
    public Duration executionTimeout() {
        return executionTimeout;
    }

    public String queue() {
        return queue == null ? DEFAULT_QUEUE : queue;
    }

    public String pool() {
        return pool == null ? DEFAULT_POOL : pool;
    }

    public int poolSlots() {
        return poolSlots;
    }

    public TriggerRule triggerRule() {
        return triggerRule == null ? TriggerRule.ALL_SUCCESS : triggerRule;
    }

    public TaskCallback onSuccess() {
        return onSuccess;
    }

    public TaskCallback onFailure() {
        return onFailure;
    }

    public TaskCallback onRetry() {
        return onRetry;
    }

    /** A short name of the operator's class, e.g. {@code BashOperator}, or {@code lambda}. */
    public String operatorName() {
        Class<?> c = operator.getClass();
        return c.isSynthetic() || c.getSimpleName().contains("$$Lambda") || c.getSimpleName().isEmpty()
                ? "lambda" : c.getSimpleName();
    }

    void applyDefaults(TaskDefaults d) {
        if (retries == null) retries = d.retries;
        if (retryDelay == null) retryDelay = d.retryDelay;
        if (retryExponentialBackoff == null) retryExponentialBackoff = d.retryExponentialBackoff;
        if (maxRetryDelay == null) maxRetryDelay = d.maxRetryDelay;
        if (executionTimeout == null) executionTimeout = d.executionTimeout;
        if (triggerRule == null) triggerRule = d.triggerRule;
        if (onSuccess == null) onSuccess = d.onSuccess;
        if (onFailure == null) onFailure = d.onFailure;
        if (onRetry == null) onRetry = d.onRetry;
        frozen = true;
    }

    private void mutable() {
        if (frozen) {
            throw new IllegalStateException("task '" + id + "': the DAG is already built and cannot change");
        }
    }

    private String name(String value, String what) {
        if (value == null || value.isBlank() || !value.strip().equals(value) || value.length() > 250) {
            throw new IllegalArgumentException("task '" + id + "': " + what + " must be a non-blank name without surrounding spaces, got '"
                    + value + "'");
        }
        return value;
    }

    private Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("task '" + id + "': " + what + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "Task[" + id + "]";
    }
}
