package io.gale.executor;

import io.gale.api.FailTask;
import io.gale.api.SkipTask;
import io.gale.api.Task;
import io.gale.core.CallbackKind;
import io.gale.core.GaleException;
import io.gale.api.TaskCallback;
import io.gale.core.TaskState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.gale.logging.LogFormat;
import org.slf4j.MDC;

/**
 * Runs one try in the current thread: the operator on a thread of its own (so an execution
 * timeout can end the try). Callbacks do not run here after the try: the scheduler writes them to
 * the callback outbox with the try's end and delivers them through {@link #callback}.
 */
public final class TaskRunner {

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final TaskServices services;
    private final Path workRoot;
    private final Map<String, String> env;
    private final Clock clock;
    private final DagCode code;
    private final io.gale.metrics.Metrics metrics;

    /**
     * @param services what tasks reach beyond their try (XComs, variables, connections, other DAGs, the model registry)
     * @param code     where the DAGs' code comes from
     */
    public TaskRunner(TaskServices services, DagCode code, Path workRoot, Map<String, String> env, Clock clock) {
        this(services, code, workRoot, env, clock, io.gale.metrics.Metrics.none());
    }

    /**
     * @param services what tasks reach beyond their try (XComs, variables, connections, other DAGs, the model registry)
     * @param code     where the DAGs' code comes from
     * @param metrics  where tasks' counters go ({@link io.gale.api.TaskContext#increment})
     */
    public TaskRunner(TaskServices services, DagCode code, Path workRoot, Map<String, String> env, Clock clock,
                      io.gale.metrics.Metrics metrics) {
        this.metrics = metrics;
        this.services = services;
        this.code = code;
        this.workRoot = workRoot;
        this.env = env;
        this.clock = clock;
    }

    /** Runs a try; no process group is reported. */
    public TaskEvent run(TaskWorkload w) {
        return run(w, group -> { });
    }

    /**
     * Runs a try.
     *
     * @param processGroups told of each process group the try's operator starts, as it starts
     */
    public TaskEvent run(TaskWorkload w, java.util.function.LongConsumer processGroups) {
        return run(w, processGroups, text -> { });
    }

    /**
     * Runs a try.
     *
     * @param processGroups told of each process group the try's operator starts, as it starts
     * @param logTail       told of each log line (with its newline) as it is written, for streaming
     */
    public TaskEvent run(TaskWorkload w, java.util.function.LongConsumer processGroups, java.util.function.Consumer<String> logTail) {
        Map<String, String> outer = MDC.getCopyOfContextMap();
        putIds(w);
        try {
            return runWithIds(w, processGroups, logTail);
        } finally {
            if (outer == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(outer);
            }
        }
    }

    /** The try's ids in the MDC, for process logs written while it runs (JSON logs show them as fields). */
    private static void putIds(TaskWorkload w) {
        MDC.put(LogFormat.DAG_ID, w.run().dagId());
        MDC.put(LogFormat.RUN_ID, w.run().runId());
        MDC.put(LogFormat.TASK_ID, w.task().id());
        MDC.put(LogFormat.TRY_NUMBER, Integer.toString(w.tryNumber()));
    }

    private TaskEvent runWithIds(TaskWorkload w, java.util.function.LongConsumer processGroups,
                                 java.util.function.Consumer<String> logTail) {
        Instant start = clock.instant();
        BufferedTaskLog log = new BufferedTaskLog(clock, logTail);
        RunningTaskContext ctx = new RunningTaskContext(w, services, workRoot, env, log, processGroups, metrics);
        log.info("Starting try {} of {} of task {} ({}), run {}", w.tryNumber(), w.maxTries(), w.task().id(),
                w.task().operatorName(), w.run().runId());
        TaskState state;
        Throwable error = null;
        try {
            Task task = task(w);
            Object value = execute(task, w, ctx);
            if (value != null) {
                ctx.pushReturnValue(value);
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
        Instant end = clock.instant();
        log.info("Task ended {} after {} s", state.id(), String.format("%.3f", Duration.between(start, end).toNanos() / 1e9));
        return new TaskEvent(w.key(), w.tryNumber(), state, error == null ? null : describe(error), ctx.close(),
                log.text(), start, end);
    }

    /**
     * Runs one callback of a try that has ended (the scheduler delivers them from the callback
     * outbox): the task's {@code kind} callback with {@code error}, on a thread of its own that is
     * interrupted after {@code timeout}. {@code callbackId} is the outbox row's id, which the callback
     * sees as {@link io.gale.api.TaskContext#callbackId()}. Never throws: the outcome says how it went,
     * with the lines the callback logged.
     */
    public CallbackResult callback(TaskWorkload w, CallbackKind kind, Throwable error, long callbackId, Duration timeout) {
        BufferedTaskLog log = new BufferedTaskLog(clock);
        RunningTaskContext ctx = new RunningTaskContext(w, services, workRoot, env, log, group -> { }, metrics);
        ctx.forCallback(callbackId);
        String failure = null;
        try {
            Task task = task(w);
            TaskCallback callback = switch (kind) {
                case ON_SUCCESS -> task.onSuccess();
                case ON_RETRY -> task.onRetry();
                case ON_FAILURE -> task.onFailure();
            };
            if (callback == null) {
                throw new GaleException("task '" + w.task().id() + "' no longer has an " + kind.id() + " callback in "
                        + w.dag().fileloc());
            }
            call(callback, ctx, error, timeout, "gale-callback-" + w.key());
            log.info("Ran the {} callback", kind.id());
        } catch (TimeoutException e) {
            failure = "the " + kind.id() + " callback did not finish within " + format(timeout) + " and was interrupted";
            log.error("{}", failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "the " + kind.id() + " callback was interrupted (the scheduler is stopping)";
            log.error("{}", failure);
        } catch (Throwable e) {
            failure = "the " + kind.id() + " callback failed: " + describe(e);
            log.error("The {} callback failed: {}", kind.id(), describe(e), e);
        }
        ctx.close();
        return new CallbackResult(failure, log.text());
    }

    /** How a callback went: {@code failure} is null when it returned normally; {@code log} holds the lines it logged. */
    public record CallbackResult(String failure, String log) {

        public boolean ok() {
            return failure == null;
        }
    }

    /** Calls {@code callback} on a daemon thread, waiting up to {@code timeout}; interrupts it when time is up. */
    private static void call(TaskCallback callback, RunningTaskContext ctx, Throwable error, Duration timeout, String name)
            throws Throwable {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                callback.call(ctx, error);
                result.complete(null);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        try {
            result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException | InterruptedException e) {
            t.interrupt();
            throw e;
        }
    }

    /** The task's code, loaded where its DAG was serialized from. */
    private Task task(TaskWorkload w) {
        Task task = code.load(w.dag()).task(w.task().id());
        if (task == null) {
            throw new GaleException("task '" + w.task().id() + "' is no longer defined in " + w.dag().fileloc());
        }
        return task;
    }

    private static Object execute(Task task, TaskWorkload w, RunningTaskContext ctx) throws Throwable {
        Duration timeout = w.task().executionTimeout();
        if (timeout == null) {
            return task.operator().execute(ctx); // interrupted by the executor's shutdown
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        Map<String, String> ids = MDC.getCopyOfContextMap();
        Thread t = new Thread(() -> {
            if (ids != null) {
                MDC.setContextMap(ids);
            }
            try {
                result.complete(task.operator().execute(ctx));
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
