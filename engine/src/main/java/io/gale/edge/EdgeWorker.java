package io.gale.edge;

import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.DagCode;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskRunner;
import io.gale.executor.TaskWorkload;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote worker ({@code gale worker}), Airflow 3's edge worker: it heartbeats, claims queued
 * tries of the queues it serves over the HTTP API, runs them with the same {@link TaskRunner}
 * as the local executor (DAG code from its own dags folder), streams their log lines, and
 * reports each end with its XComs. It holds no database credentials. A worker with free slots
 * whose last claim found nothing claims with a wait: the API answers once a try is queued (a long
 * poll), so an idle worker starts a try at once without asking again and again; it heartbeats on a
 * thread of its own meanwhile.
 */
public final class EdgeWorker implements AutoCloseable {

    /** The most XCom JSON one try may send back, in characters; larger values belong in the artifact store. */
    public static final int MAX_XCOM_CHARS = 512 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EdgeWorker.class);
    private static final Object WAKE_UP = new Object();
    /** How long stop() waits for the API to hear it stops, then for the answer to a waiting claim, before aborting it. */
    private static final Duration STOP_ANSWER = Duration.ofSeconds(1);
    /** The most log text sent inside a report; more goes as log chunks first. */
    private static final int REPORT_TAIL = 64 * 1024;

    /**
     * @param queues      the queues it serves
     * @param concurrency how many tries it runs at once
     * @param heartbeat   how often it heartbeats and sends log lines
     * @param idlePoll    the least time between claims that find nothing (when the API answers them at once)
     * @param claimWait   how long the API may hold a claim until work is queued (a long poll; zero: never)
     */
    public record Settings(List<String> queues, int concurrency, Duration heartbeat, Duration idlePoll, Duration claimWait) {
        /** The claim wait workers ask for unless told otherwise. */
        public static final Duration CLAIM_WAIT = Duration.ofSeconds(10);

        public Settings {
            queues = List.copyOf(queues);
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("a worker serves at least one queue");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("a worker's concurrency must be at least 1, got " + concurrency);
            }
            if (claimWait.isNegative()) {
                throw new IllegalArgumentException("a worker's claim wait cannot be negative, got " + claimWait);
            }
        }

        /** Settings whose claims wait {@link #CLAIM_WAIT} for work. */
        public Settings(List<String> queues, int concurrency, Duration heartbeat, Duration idlePoll) {
            this(queues, concurrency, heartbeat, idlePoll, CLAIM_WAIT);
        }
    }

    /** A try running here, with the log lines not sent yet. */
    private static final class Running {
        final TaskWorkload workload;
        final StringBuilder unsent = new StringBuilder();
        boolean refused;

        Running(TaskWorkload workload) {
            this.workload = workload;
        }

        synchronized void add(String text) {
            if (unsent.length() < io.gale.client.Workers.MAX_LOG_CHUNK * 8) {
                unsent.append(text);
            }
        }

        synchronized String drain(int max) {
            int n = Math.min(max, unsent.length());
            String s = unsent.substring(0, n);
            unsent.delete(0, n);
            return s;
        }
    }

    private record Try(TaskKey key, int number) {
    }

    private final Settings settings;
    private final WorkerClient api;
    private final TaskRunner runner;
    private final Clock clock;
    private final ExecutorService pool;
    private final Map<Try, Running> running = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>();
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean stopping;
    private volatile boolean silenced;
    private Thread loop;
    private Thread beats;
    private final io.gale.metrics.Metrics metrics;

    /**
     * @param code     where DAG code comes from (the worker's dags folder)
     * @param workRoot where tasks get their working directories
     * @param env      the environment tasks see
     */
    public EdgeWorker(Settings settings, WorkerClient api, DagCode code, Path workRoot, Map<String, String> env, Clock clock) {
        this(settings, api, code, workRoot, env, clock, io.gale.metrics.Metrics.none());
    }

    /** A worker whose tries count into {@code metrics}: their durations by state, and what tasks count themselves. */
    public EdgeWorker(Settings settings, WorkerClient api, DagCode code, Path workRoot, Map<String, String> env, Clock clock,
                      io.gale.metrics.Metrics metrics) {
        this.settings = settings;
        this.api = api;
        this.clock = clock;
        this.metrics = metrics;
        this.runner = new TaskRunner(new RemoteTaskServices(api), code, workRoot, env, clock, metrics);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "gale-worker-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers with the API (throwing when it refuses the token or cannot be reached) and starts claiming. */
    public EdgeWorker start() {
        api.heartbeat(settings.queues(), settings.concurrency(), 0, WorkerClient.Phase.STARTING);
        LOG.info("Worker {} registered: queues {}, concurrency {}", api.worker(), String.join(",", settings.queues()), settings.concurrency());
        beats = new Thread(this::beat, "gale-worker-heartbeat-" + api.worker());
        beats.setDaemon(true);
        beats.start();
        loop = new Thread(this::loop, "gale-worker-" + api.worker());
        loop.setDaemon(true);
        loop.start();
        return this;
    }

    /** Tries started here since the start. */
    public int started() {
        return started.get();
    }

    /** Tries running here now. */
    public int running() {
        return running.size();
    }

    /**
     * Heartbeats and sends log lines every heartbeat, on a thread of its own (a claim may wait
     * longer than a heartbeat), until the worker is stopped and its tries ended or it is killed.
     */
    private void beat() {
        while (!silenced) {
            try {
                sendLogs();
                api.heartbeat(settings.queues(), settings.concurrency(), running.size(),
                        stopping ? WorkerClient.Phase.STOPPING : WorkerClient.Phase.RUNNING);
            } catch (WorkerClient.TokenRefusedException e) {
                if (!silenced) {
                    LOG.error("Worker {}: {}", api.worker(), e.getMessage());
                }
            } catch (RuntimeException e) {
                if (!silenced && !Thread.currentThread().isInterrupted()) {
                    LOG.warn("Worker {}: {}; trying again", api.worker(), e.getMessage());
                }
            }
            try {
                Thread.sleep(settings.heartbeat().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Claims while it has free slots: at once after a claim that found tries, else with the
     * claim wait (the API answers once a try is queued), and never more often than the idle
     * poll while claims find nothing at once.
     */
    private void loop() {
        boolean lastEmpty = false;
        while (!stopping) {
            try {
                wake.clear(); // this pass sees every try that ended so far
                int free = settings.concurrency() - running.size();
                if (free <= 0) {
                    lastEmpty = false;
                    wake.poll(settings.heartbeat().toNanos(), TimeUnit.NANOSECONDS); // a try that ends wakes it
                    continue;
                }
                Duration wait = lastEmpty ? settings.claimWait() : Duration.ZERO;
                long asked = System.nanoTime();
                List<TaskWorkload> claimed = api.claim(settings.queues(), free, wait);
                for (TaskWorkload w : claimed) {
                    Running r = new Running(w);
                    running.put(new Try(w.key(), w.tryNumber()), r);
                    started.incrementAndGet();
                    pool.execute(() -> run(r));
                }
                lastEmpty = claimed.isEmpty();
                if (lastEmpty && (!wait.isZero() || settings.claimWait().isZero())) {
                    // the API answered a claim that could wait (or waits are off) with nothing: not again before the idle poll
                    long rest = settings.idlePoll().toNanos() - (System.nanoTime() - asked);
                    if (rest > 0) {
                        wake.poll(rest, TimeUnit.NANOSECONDS);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (WorkerClient.TokenRefusedException e) {
                if (stopping) {
                    return;
                }
                if (!silenced) {
                    LOG.error("Worker {}: {}", api.worker(), e.getMessage());
                }
                pause();
            } catch (RuntimeException e) {
                if (stopping) {
                    return; // a claim aborted by stop() or kill()
                }
                if (!silenced) {
                    LOG.warn("Worker {}: {}; trying again", api.worker(), e.getMessage());
                }
                pause();
            }
        }
    }

    private void pause() {
        try {
            wake.poll(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Sends each running try's new log lines. */
    private void sendLogs() {
        for (var e : running.entrySet()) {
            Running r = e.getValue();
            synchronized (r) {
                sendLog(e.getKey(), r);
            }
        }
    }

    /** Sends what is unsent of a try's log (holding its lock, so chunks arrive in order). */
    private void sendLog(Try t, Running r) {
        for (String chunk = r.drain(io.gale.client.Workers.MAX_LOG_CHUNK); !chunk.isEmpty() && !r.refused && !silenced;
             chunk = r.drain(io.gale.client.Workers.MAX_LOG_CHUNK)) {
            if (!api.log(t.key(), t.number(), chunk)) {
                r.refused = true;
                LOG.warn("Worker {}: the API refused log lines of try {} of {}: this worker no longer holds it", api.worker(), t.number(), t.key());
            }
        }
    }

    private void run(Running r) {
        TaskWorkload w = r.workload;
        Try t = new Try(w.key(), w.tryNumber());
        r.add("[" + clock.instant() + "] INFO - Worker " + api.worker() + " runs try " + w.tryNumber() + " (queue "
                + w.task().queue() + ")\n");
        TaskEvent event = runner.run(w, group -> { }, r::add);
        event = limitXComs(event, w, r);
        if (event.start() != null && event.end() != null) {
            metrics.taskEnded(w.key().dagId(), w.key().taskId(), event.state(), Duration.between(event.start(), event.end()));
        }
        try {
            report(t, r, event);
        } finally {
            running.remove(t);
            wake.add(WAKE_UP);
        }
    }

    /** A try whose XComs are too large fails (retried while tries remain) with a message saying where large values go. */
    private static TaskEvent limitXComs(TaskEvent e, TaskWorkload w, Running r) {
        Map<String, String> xcoms = e.xcoms() == null ? Map.of() : e.xcoms();
        int total = xcoms.values().stream().mapToInt(String::length).sum();
        if (total <= MAX_XCOM_CHARS) {
            return e;
        }
        String biggest = xcoms.entrySet().stream().max(Map.Entry.comparingByValue(java.util.Comparator.comparingInt(String::length)))
                .map(Map.Entry::getKey).orElse("?");
        String message = "XCom values of " + total + " characters (the largest under key '" + biggest + "') are over the "
                + MAX_XCOM_CHARS + "-character limit for tries on remote workers: write large values to the artifact store "
                + "(ctx.artifacts()) and push their key";
        r.add("[" + e.end() + "] ERROR - " + message + "\n");
        TaskState state = w.tryNumber() < w.maxTries() ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
        return new TaskEvent(e.key(), e.tryNumber(), state, message, Map.of(), null, e.start(), e.end());
    }

    /** Sends the end (with the last log lines), trying again while the API cannot be reached; a refusal is logged and final. */
    private void report(Try t, Running r, TaskEvent event) {
        while (!silenced) {
            try {
                synchronized (r) {
                    String tail = r.drain(Integer.MAX_VALUE);
                    if (tail.length() > REPORT_TAIL) { // a large tail goes as log chunks: the report stays small
                        r.add(tail);
                        sendLog(t, r);
                        tail = "";
                    }
                    TaskEvent withTail = new TaskEvent(event.key(), event.tryNumber(), event.state(), event.error(), event.xcoms(),
                            tail, event.start(), event.end());
                    if (!api.report(withTail)) {
                        LOG.warn("Worker {}: the API refused the end of try {} of {} ({}): this worker no longer holds it (it was "
                                + "declared lost and retried, or cleared)", api.worker(), t.number(), t.key(), event.state().id());
                    }
                }
                return;
            } catch (WorkerClient.UnreachableException | WorkerClient.TokenRefusedException e) {
                if (stopping && pool.isShutdown()) {
                    return;
                }
                LOG.warn("Worker {}: cannot report try {} of {} yet ({}); trying again", api.worker(), t.number(), t.key(), e.getMessage());
                pause();
            }
        }
    }

    /**
     * Stops as a killed process would, for tests of lost workers: no more heartbeats, claims,
     * log lines or reports; running tries are interrupted and their ends never sent.
     */
    public void kill() {
        silenced = true;
        stopping = true;
        wake.add(WAKE_UP);
        pool.shutdownNow();
        if (loop != null) {
            loop.interrupt(); // aborts a waiting claim
        }
        if (beats != null) {
            beats.interrupt();
        }
    }

    /**
     * Stops claiming (a waiting claim is answered at once: the API is told the worker is
     * stopping, and the call is aborted if the answer does not come promptly), lets running tries
     * finish and report (up to {@code grace}) while heartbeating, then tells the API it stopped;
     * tries still running are interrupted and reported as they end.
     */
    public void stop(Duration grace) throws InterruptedException {
        stopping = true;
        wake.add(WAKE_UP);
        if (loop != null) {
            if (!silenced) {
                try { // answers this worker's waiting claim, so that the API claims nothing more for it
                    api.heartbeat(settings.queues(), settings.concurrency(), running.size(), WorkerClient.Phase.STOPPING, STOP_ANSWER);
                } catch (RuntimeException e) {
                    LOG.warn("Worker {}: could not tell the API it is stopping: {}", api.worker(), e.getMessage());
                }
            }
            loop.join(STOP_ANSWER.toMillis());
            loop.interrupt(); // an answer that did not come (another web server holds the claim, or the API is away)
            loop.join(30_000);
        }
        pool.shutdown();
        if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        if (beats != null) {
            beats.interrupt();
            beats.join(30_000);
        }
        if (!silenced) {
            try {
                api.heartbeat(settings.queues(), settings.concurrency(), 0, WorkerClient.Phase.STOPPED);
            } catch (RuntimeException e) {
                LOG.warn("Worker {}: could not tell the API it stopped: {}", api.worker(), e.getMessage());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }

    /** Queue names from a comma-separated list, e.g. {@code default,gpu}. */
    public static List<String> queues(String list) {
        List<String> out = new ArrayList<>();
        for (String q : list.split(",")) {
            if (!q.isBlank()) {
                out.add(io.gale.client.Workers.checkName(q.strip(), "a queue"));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--queues names no queue: give e.g. --queues default,gpu");
        }
        return out;
    }
}
