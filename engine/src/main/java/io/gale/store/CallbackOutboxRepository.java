package io.gale.store;

import io.gale.core.CallbackKind;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The callback outbox: task callbacks written in the transaction of the state change that calls
 * for them, then claimed, delivered and marked by a scheduler. A claim holds a row with a lease
 * (the scheduler job's id and a time), so two schedulers never deliver one row at once; a lease
 * that runs out, or whose scheduler job is no longer running, lets another scheduler claim it.
 */
public interface CallbackOutboxRepository {

    /** A callback to deliver: the try it is about, the state that try ended in and its error message, if any. */
    record NewCallback(TaskKey key, int tryNumber, CallbackKind kind, TaskState state, String error) {
    }

    /** A callback claimed for delivery; {@code attempts} counts this one. */
    record Claimed(long id, TaskKey key, int tryNumber, CallbackKind kind, TaskState state, String error, int attempts) {
    }

    /** Where a callback stands. */
    enum Status {
        /** Not delivered yet: due at its next attempt. */
        PENDING,
        DELIVERED,
        /** Every attempt failed; not tried again. */
        FAILED
    }

    /** A callback as stored. */
    record Entry(long id, TaskKey key, int tryNumber, CallbackKind kind, TaskState state, String error, Instant createdAt,
                 int attempts, Instant nextAttemptAt, Long leaseOwner, Instant leaseUntil, Instant deliveredAt,
                 Instant failedAt, String lastError) {

        public Status status() {
            return deliveredAt != null ? Status.DELIVERED : failedAt != null ? Status.FAILED : Status.PENDING;
        }
    }

    /**
     * Writes callbacks due at {@code now}, in one statement; a callback already written for that
     * try and kind is left as it is.
     */
    void addAll(Collection<NewCallback> callbacks, Instant now);

    /**
     * Claims up to {@code limit} pending callbacks due at {@code now} for scheduler job {@code owner},
     * leased until {@code leaseUntil} ({@code FOR UPDATE SKIP LOCKED}: rows another transaction is
     * claiming are passed over), oldest due first. A row leased to someone else is claimable once
     * its lease has run out or its scheduler job is no longer running. Each claim counts an attempt.
     */
    List<Claimed> claim(long owner, Instant now, Instant leaseUntil, int limit);

    /** Marks a claimed callback delivered; false (and no change) when {@code owner} no longer holds it. */
    boolean delivered(long id, long owner, Instant now);

    /** Gives a claimed callback back, due again at {@code nextAttempt}, with why it failed; false when {@code owner} no longer holds it. */
    boolean retryAt(long id, long owner, Instant nextAttempt, String error);

    /** Marks a claimed callback failed for good, with why; false when {@code owner} no longer holds it. */
    boolean failed(long id, long owner, Instant now, String error);

    /** The callbacks of a task instance, oldest first. */
    List<Entry> forTask(TaskKey key);

    /** The callbacks of a run, oldest first. */
    List<Entry> forRun(String dagId, String runId);

    /** How many callbacks are pending (neither delivered nor failed). */
    int countPending();
}
