package io.gale.metrics;

import io.gale.core.DagRunState;
import io.gale.core.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The meters of one Gale process (scheduler, DAG processor, executor, web server, worker), held
 * by the composition root ({@link io.gale.runtime.Engine}) and handed to what it wires, never a
 * static global. Names follow Airflow's metrics where Airflow has one (its
 * {@code scheduler.scheduler_loop_duration} is {@code gale_scheduler_loop_duration_seconds} here).
 * Recording is a counter or histogram update; the database is read only for the state gauges,
 * at most once per {@code stateCacheAge}, when a scrape asks.
 */
public final class Metrics {

    /** Task durations, seconds: no-op tasks up to hour-long training. */
    private static final Duration[] TASK_BUCKETS = seconds(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200);
    /** Loop and latency histograms, seconds: milliseconds matter. */
    private static final Duration[] FAST_BUCKETS = seconds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final Timer loop;
    private final Timer upstreamLatency;
    private final Counter zombies;
    private final Timer dagParse;
    private final AtomicInteger dagbagSize = new AtomicInteger();
    private final AtomicInteger importErrors = new AtomicInteger();
    private final AtomicInteger openSlots = new AtomicInteger();
    private final AtomicInteger runningTasks = new AtomicInteger();
    private final Map<TaskMeterKey, Timer> taskDurations = new ConcurrentHashMap<>();
    private volatile boolean statesWatched;
    private volatile boolean queuesWatched;
    private final List<Runnable> beforeScrape = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record TaskMeterKey(String dagId, String taskId, TaskState state) {
    }

    private Metrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.loop = Timer.builder("gale.scheduler.loop.duration")
                .description("One scheduler loop, without the time it waits for something to happen")
                .serviceLevelObjectives(FAST_BUCKETS).register(registry);
        this.upstreamLatency = Timer.builder("gale.task.upstream.latency")
                .description("From the end of a task's last upstream try to the start of its first try")
                .serviceLevelObjectives(FAST_BUCKETS).register(registry);
        this.zombies = Counter.builder("gale.zombies.killed")
                .description("Running tries found without a live scheduler and ended (Airflow's zombies_killed)").register(registry);
        this.dagParse = Timer.builder("gale.dag.processing.total.parse.time")
                .description("One pass of the DAG processor over the classpath and the dags folder")
                .serviceLevelObjectives(FAST_BUCKETS).register(registry);
        Gauge.builder("gale.dagbag.size", dagbagSize, AtomicInteger::get).description("DAGs the DAG processor found").register(registry);
        Gauge.builder("gale.dag.processing.import.errors", importErrors, AtomicInteger::get)
                .description("Files or classes that failed to load at the last pass").register(registry);
        Gauge.builder("gale.executor.open.slots", openSlots, AtomicInteger::get)
                .description("Tries the executor can still start").register(registry);
        Gauge.builder("gale.executor.running.tasks", runningTasks, AtomicInteger::get)
                .description("Tries the executor runs").register(registry);
    }

    /** Meters exported in Prometheus' text format (with the JVM's memory, threads, CPU and uptime). */
    public static Metrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return new Metrics(registry, registry);
    }

    /** Meters that record nothing (for code run outside a long-lived process, and tests that do not look). */
    public static Metrics none() {
        return new Metrics(new CompositeMeterRegistry(), null);
    }

    /** The registry, for meters of a module (e.g. the model server's, a worker's). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in Prometheus' text exposition format (version 0.0.4); empty for {@link #none()}. */
    public String scrape() {
        if (prometheus == null) {
            return "";
        }
        beforeScrape.forEach(Runnable::run); // gauges of queues and pools seen for the first time join this scrape
        return prometheus.scrape();
    }

    /** One scheduler loop took {@code nanos} (without waiting). */
    public void schedulerLoop(long nanos) {
        loop.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A try of {@code dagId.taskId} ended in {@code state} after {@code took}. */
    public void taskEnded(String dagId, String taskId, TaskState state, Duration took) {
        taskDurations.computeIfAbsent(new TaskMeterKey(dagId, taskId, state), k -> Timer.builder("gale.task.duration")
                .description("How long a try ran, by DAG, task and how it ended")
                .tags("dag_id", k.dagId(), "task_id", k.taskId(), "state", k.state().id())
                .serviceLevelObjectives(TASK_BUCKETS).register(registry)).record(took);
    }

    /** A task's first try started {@code latency} after its last upstream try ended. */
    public void upstreamLatency(Duration latency) {
        upstreamLatency.record(latency.isNegative() ? Duration.ZERO : latency);
    }

    /** The executor's open and used slots, as the scheduler last saw them. */
    public void executorSlots(int open, int running) {
        openSlots.set(open);
        runningTasks.set(running);
    }

    /** A lost try was ended (up_for_retry or failed). */
    public void zombieKilled() {
        zombies.increment();
    }

    /** The DAG processor finished a pass in {@code took}, finding {@code dags} DAGs and {@code errors} import errors. */
    public void dagsProcessed(Duration took, int dags, int errors) {
        dagParse.record(took);
        dagbagSize.set(dags);
        importErrors.set(errors);
    }

    /** Adds one to counter {@code name} with {@code tags} (for tasks: {@link io.gale.api.TaskContext#increment}). */
    public void increment(String name, Map<String, String> tags) {
        Counter.Builder b = Counter.builder(name);
        tags.forEach(b::tag);
        b.register(registry).increment();
    }

    /**
     * Gauges of DAG runs and task instances by state ({@code gale_dag_runs{state}},
     * {@code gale_task_instances{state}}), read from {@code counts} when a scrape asks and at most
     * once per {@code maxAge}. Registered once per process; later calls are ignored.
     */
    public synchronized void watchStates(Supplier<StateCounts> counts, Duration maxAge) {
        if (statesWatched) {
            return;
        }
        statesWatched = true;
        Cached<StateCounts> cache = new Cached<>(counts, maxAge, StateCounts.EMPTY);
        for (DagRunState s : DagRunState.values()) {
            Gauge.builder("gale.dag.runs", cache, c -> c.get().runs().getOrDefault(s, 0)).tag("state", s.id())
                    .description("DAG runs by state").strongReference(true).register(registry);
        }
        for (TaskState s : TaskState.values()) {
            Gauge.builder("gale.task.instances", cache, c -> c.get().taskInstances().getOrDefault(s, 0)).tag("state", s.id())
                    .description("Task instances by state").strongReference(true).register(registry);
        }
    }

    /**
     * Gauges of the tries waiting for a remote worker: {@code gale_queue_depth{queue}} and
     * {@code gale_pool_queue_depth{pool}}, read from {@code depths} (queued tries by queue and pool)
     * when a scrape asks and at most once per {@code maxAge}. A queue or pool seen once keeps its
     * gauge (0 when nothing waits). Registered once per process; later calls are ignored.
     */
    public synchronized void watchQueues(Supplier<List<QueueDepth>> depths, Duration maxAge) {
        if (queuesWatched) {
            return;
        }
        queuesWatched = true;
        Cached<List<QueueDepth>> cache = new Cached<>(depths, maxAge, List.of());
        Set<String> queues = ConcurrentHashMap.newKeySet();
        Set<String> pools = ConcurrentHashMap.newKeySet();
        // a read that finds a new queue or pool registers its gauges; scrapes read first
        beforeScrape.add(cache::get);
        cache.onRead(read -> {
            for (QueueDepth d : read) {
                if (queues.add(d.queue())) {
                    Gauge.builder("gale.queue.depth", cache, c -> c.get().stream().filter(x -> x.queue().equals(d.queue()))
                                    .mapToInt(QueueDepth::queued).sum())
                            .tag("queue", d.queue()).description("Tries queued for a remote worker, by queue")
                            .strongReference(true).register(registry);
                }
                if (pools.add(d.pool())) {
                    Gauge.builder("gale.pool.queue.depth", cache, c -> c.get().stream().filter(x -> x.pool().equals(d.pool()))
                                    .mapToInt(QueueDepth::queued).sum())
                            .tag("pool", d.pool()).description("Tries queued for a remote worker, by the pool they take slots of")
                            .strongReference(true).register(registry);
                }
            }
        });
    }

    /** Tries queued for remote workers in {@code queue} whose task takes slots of {@code pool}. */
    public record QueueDepth(String queue, String pool, int queued) {
    }

    /** How many runs and task instances are in each state. */
    public record StateCounts(Map<DagRunState, Integer> runs, Map<TaskState, Integer> taskInstances) {
        static final StateCounts EMPTY = new StateCounts(new EnumMap<>(DagRunState.class), new EnumMap<>(TaskState.class));
    }

    /** A value re-read when older than {@code maxAge} (the previous one while the database cannot answer), with a hook on each read. */
    private static final class Cached<T> {
        private final Supplier<T> source;
        private final long maxAgeNanos;
        private T last;
        private long readAt;
        private boolean read;
        private java.util.function.Consumer<T> onRead = v -> { };

        Cached(Supplier<T> source, Duration maxAge, T initial) {
            this.source = source;
            this.maxAgeNanos = maxAge.toNanos();
            this.last = initial;
        }

        synchronized void onRead(java.util.function.Consumer<T> hook) {
            this.onRead = hook;
        }

        synchronized T get() {
            long now = System.nanoTime();
            if (!read || now - readAt >= maxAgeNanos) {
                read = true;
                readAt = now;
                try {
                    last = source.get();
                    onRead.accept(last);
                } catch (RuntimeException e) {
                    // the scheduler and web server report an outage; the gauges keep their last values
                }
            }
            return last;
        }
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return out;
    }
}
