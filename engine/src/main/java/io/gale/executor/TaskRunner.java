package io.gale.executor;

import io.gale.api.FailTask;
import io.gale.api.SkipTask;
import io.gale.api.TaskCallback;
import io.gale.core.TaskState;
import io.gale.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one try in the current thread: the operator on a thread of its own (so an execution
 * timeout can end the try), then the callback that fits the outcome.
 */
public final class TaskRunner {

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Store store;
    private final Path workRoot;
    private final Map<String, String> env;
    private final Clock clock;

    public TaskRunner(Store store, Path workRoot, Map<String, String> env, Clock clock) {
        this.store = store;
        this.workRoot = workRoot;
        this.env = env;
        this.clock = clock;
    }

    public TaskEvent run(TaskWorkload w) {
        Instant start = clock.instant();
        BufferedTaskLog log = new BufferedTaskLog(clock);
        RunningTaskContext ctx = new RunningTaskContext(w, store, workRoot, env, log);
        log.info("Starting try {} of {} of task {} ({}), run {}", w.tryNumber(), w.maxTries(), w.task().id(),
                w.task().operatorName(), w.run().runId());
        TaskState state;
        Throwable error = null;
        try {
            Object value = execute(w, ctx);
            if (value != null) {
                ctx.xcomPush(io.gale.api.TaskContext.RETURN_VALUE, value);
            }
            state = TaskState.SUCCESS;
        } catch (SkipTask e) {
            log.info("Skipped: {}", e.getMessage());
            state = TaskState.SKIPPED;
        } catch (FailTask e) {
            error = e;
            log.error("Failed without retry: {}", e.getMessage(), e.getCause());
            state = TaskState.FAILED;
        } catch (Throwable e) {
            error = e;
            state = w.tryNumber() < w.maxTries() ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
            log.error("Try {} failed: {}", w.tryNumber(), describe(e), e instanceof TimeoutException ? null : e);
        }
        TaskCallback callback = switch (state) {
            case SUCCESS -> w.task().onSuccess();
            case UP_FOR_RETRY -> w.task().onRetry();
            case FAILED -> w.task().onFailure();
            default -> null;
        };
        if (callback != null) {
            try {
                callback.call(ctx, error);
            } catch (Throwable e) {
                log.error("The {} callback failed: {}", state == TaskState.SUCCESS ? "on_success"
                        : state == TaskState.UP_FOR_RETRY ? "on_retry" : "on_failure", describe(e), e);
            }
        }
        Instant end = clock.instant();
        log.info("Task ended {} after {} s", state.id(), String.format("%.3f", Duration.between(start, end).toNanos() / 1e9));
        return new TaskEvent(w.key(), w.tryNumber(), state, error == null ? null : describe(error), ctx.close(),
                log.text(), start, end);
    }

    /**
     * Runs the callback for a try that ended outside the executor (its scheduler died): on_retry
     * or on_failure. Returns the lines it logged.
     */
    public String callback(TaskWorkload w, TaskState state, Throwable error) {
        BufferedTaskLog log = new BufferedTaskLog(clock);
        RunningTaskContext ctx = new RunningTaskContext(w, store, workRoot, env, log);
        TaskCallback callback = state == TaskState.UP_FOR_RETRY ? w.task().onRetry() : w.task().onFailure();
        if (callback != null) {
            try {
                callback.call(ctx, error);
                log.info("Ran the {} callback", state == TaskState.UP_FOR_RETRY ? "on_retry" : "on_failure");
            } catch (Throwable e) {
                log.error("The callback failed: {}", describe(e), e);
            }
        }
        ctx.close();
        return log.text();
    }

    private static Object execute(TaskWorkload w, RunningTaskContext ctx) throws Throwable {
        Duration timeout = w.task().executionTimeout();
        if (timeout == null) {
            return w.task().operator().execute(ctx); // interrupted by the executor's shutdown
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(w.task().operator().execute(ctx));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "gale-task-" + w.key());
        t.setDaemon(true);
        t.start();
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            stop(t, ctx);
            throw new TimeoutException("task '" + w.task().id() + "' timed out after " + format(timeout)
                    + " (execution_timeout) and was interrupted");
        } catch (InterruptedException e) {
            stop(t, ctx);
            throw e;
        }
    }

    /**
     * Interrupts the operator's thread and waits for it to finish cleaning up (a Bash command's
     * processes to be gone), so that a try is never reported over, and retried, while it runs.
     */
    private static void stop(Thread t, RunningTaskContext ctx) {
        t.interrupt();
        boolean interrupted = false;
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        while (t.isAlive() && System.nanoTime() < deadline) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (t.isAlive()) {
            ctx.log().warn("The task's thread did not stop within {} of its interrupt; the try ends without it", format(STOP_GRACE));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof TimeoutException || e instanceof FailTask || e instanceof SkipTask) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
