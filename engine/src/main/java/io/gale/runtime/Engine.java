package io.gale.runtime;

import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.core.SerializedTask;
import io.gale.dagbag.DagBag;
import io.gale.dagbag.DagProcessor;
import io.gale.executor.DagCode;
import io.gale.executor.Executor;
import io.gale.executor.LocalExecutor;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskRunner;
import io.gale.executor.TaskWorkload;
import io.gale.metrics.Metrics;
import io.gale.metrics.MetricsServer;
import io.gale.schedule.DataInterval;
import io.gale.scheduler.SchedulableDag;
import io.gale.scheduler.Scheduler;
import io.gale.store.ChangeListener;
import io.gale.store.ConnectionErrors;
import io.gale.store.Database;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.Store;
import io.gale.store.StoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What one Gale process runs, wired once: the database, the operations API, the DAG processor,
 * the executor and the scheduler, and where tasks get their DAG code. It owns their lifecycle:
 * {@link #runScheduler} and {@link #runDagProcessor} run until Ctrl-C (or until told they are
 * done), and closing the engine closes the database.
 */
public final class Engine implements AutoCloseable {

    private final GaleConfig config;
    private final Database database;
    private final Operations operations;
    private final DagCode code;
    private final Clock clock;
    private final Map<String, String> env;
    private Metrics metrics;

    /**
     * @param code where tasks run by this process get their DAGs' code
     * @param env  the environment tasks see (connections and variables come first from it)
     */
    public Engine(GaleConfig config, Database database, DagCode code, Clock clock, Map<String, String> env) {
        this.config = config;
        this.database = database;
        this.code = code;
        this.clock = clock;
        this.env = env;
        this.operations = new Operations(config, database, clock);
    }

    /** Opens the configured database; DAG code is loaded only when a task of it runs here. */
    public static Engine open(GaleConfig config) {
        Database db = Database.open(config);
        return new Engine(config, db, new DagBag(config.dagsFolder(), config.dagCacheDir(), DagBag.class.getClassLoader()),
                Clock.systemUTC(), System.getenv());
    }

    /** The environment tasks see, and where executors a module provides read their settings. */
    public Map<String, String> env() {
        return env;
    }

    /** The operations API over this engine's database. */
    public Operations operations() {
        return operations;
    }

    public GaleConfig config() {
        return config;
    }

    public Database database() {
        return database;
    }

    public Store store() {
        return operations.store();
    }

    /** A connection as this engine's tasks see it: {@code GALE_CONN_<ID>} first, then the database. */
    public java.util.Optional<io.gale.api.Connection> connection(String connId) {
        return io.gale.executor.Connections.lookup(connId, env, store());
    }

    /**
     * This process's meters (Prometheus), made on first use: the scheduler, DAG processor and
     * executor it wires record into them, and {@code /metrics} endpoints serve them.
     */
    public synchronized Metrics metrics() {
        if (metrics == null) {
            metrics = Metrics.prometheus();
        }
        return metrics;
    }

    /**
     * Adds the gauges of DAG runs and task instances by state, and of tries queued for remote
     * workers by queue and pool, to {@link #metrics()}, read from the database at most every 10
     * seconds when scraped.
     */
    public Metrics metricsWithStates() {
        Metrics m = metrics();
        Store store = store();
        m.watchStates(() -> new Metrics.StateCounts(store.runs().countByState(), store.taskInstances().countByState()),
                Duration.ofSeconds(10));
        m.watchQueues(() -> store.edge().queueDepths().stream().map(d -> new Metrics.QueueDepth(d.queue(), d.pool(), d.queued())).toList(),
                Duration.ofSeconds(10));
        return m;
    }

    /** Serves {@link #metricsWithStates()} on {@code GALE_METRICS_PORT} when it is set (a no-op otherwise); close it to stop. */
    public AutoCloseable metricsEndpoint() {
        return MetricsServer.startIfConfigured(env, metricsWithStates()).<AutoCloseable>map(s -> s).orElse(() -> { });
    }

    /** Scheduler settings from the configuration. */
    public Scheduler.Settings schedulerSettings() {
        return Scheduler.Settings.defaults().withHeartbeat(config.heartbeat()).withZombieThreshold(config.zombieThreshold());
    }

    /** An executor with {@code GALE_PARALLELISM} slots, running tasks in this process. */
    public LocalExecutor newExecutor() {
        return new LocalExecutor(config.parallelism(), runner());
    }

    /**
     * The executor {@code GALE_EXECUTOR} names for a scheduler: {@code local} (the default, as
     * {@link #newExecutor}) or one an {@link ExecutorProvider} on the classpath provides.
     *
     * @throws io.gale.config.ConfigException when no executor has that name
     */
    public Executor newSchedulerExecutor() {
        if ("local".equals(config.executor())) {
            return newExecutor();
        }
        java.util.List<String> known = new java.util.ArrayList<>(java.util.List.of("local"));
        for (ExecutorProvider p : java.util.ServiceLoader.load(ExecutorProvider.class)) {
            if (p.name().equals(config.executor())) {
                return p.create(this);
            }
            known.add(p.name());
        }
        throw new io.gale.config.ConfigException("GALE_EXECUTOR names no executor: '" + config.executor()
                + "' (known: " + String.join(", ", known) + ")");
    }

    /** How tries run in this process: the operator, its log, XComs and callbacks (for executors that run tries here). */
    public TaskRunner taskRunner() {
        return runner();
    }

    /** A scheduler loop over this engine's store, handing tries to {@code executor}. */
    public Scheduler newScheduler(Executor executor, Scheduler.Settings settings) {
        return new Scheduler(store(), executor, runner(), clock, settings, metrics());
    }

    private TaskRunner runner() {
        return new TaskRunner(new io.gale.executor.StoreTaskServices(store(), operations::triggerFromTask), code, config.workRoot(), env,
                clock, metrics());
    }

    /**
     * Airflow's {@code dags test}: records a run ({@code test__<date>}) and runs it whole in this
     * process (paused or not), with the DAG as the processor last recorded it and its code loaded
     * here; returns the run when it has finished or {@code timeout} passed. An earlier test run at
     * the same logical date is replaced; any other run there only when {@code replace} is true.
     */
    public DagRun test(String dagId, Instant logicalDate, Map<String, Object> conf, Duration timeout, boolean replace)
            throws InterruptedException {
        DagRun run = operations.createTestRun(dagId, logicalDate, conf, replace);
        try (LocalExecutor executor = newExecutor();
             Scheduler scheduler = newScheduler(executor, Scheduler.Settings.defaults().withCreateRuns(false))) {
            return scheduler.runToCompletion(run, timeout);
        }
    }

    /**
     * Airflow's {@code tasks test}: runs one task once in this process, ignoring its upstream
     * tasks and recording nothing, then the callback its end calls for (its log follows the try's). XCom pulls read the run with that logical date, if there is
     * one; {@code conf} is the run's conf for this try.
     */
    public TaskEvent testTask(String dagId, String taskId, Instant logicalDate, Map<String, Object> conf) {
        SchedulableDag d = operations.schedulable(dagId);
        SerializedTask task = d.task(taskId);
        if (task == null) {
            throw io.gale.core.NotFoundException.task(dagId, taskId);
        }
        Instant logical = logicalDate != null ? logicalDate : clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        DagRun found = operations.runAt(dagId, logical).orElseGet(() -> {
            DataInterval interval = d.timetable().inferManualDataInterval(logical);
            return new DagRun(0, dagId, RunType.MANUAL.runId(logical), RunType.MANUAL, logical, interval.start(),
                    interval.end(), DagRunState.RUNNING, Map.of(), clock.instant(), clock.instant(), null, null);
        });
        DagRun run = conf == null || conf.isEmpty() ? found : new DagRun(found.id(), dagId, found.runId(), found.runType(),
                logical, found.dataIntervalStart(), found.dataIntervalEnd(), found.state(), conf, found.queuedAt(),
                found.startDate(), found.endDate(), found.backfillId());
        TaskWorkload w = new TaskWorkload(d.dag(), task, run, 1, 1);
        TaskRunner runner = runner();
        TaskEvent event = runner.run(w);
        // nothing is recorded, so there is no outbox: the callback the end calls for runs here, after the try
        var kind = io.gale.core.CallbackKind.forEnd(event.state()).filter(k -> task.callbacks().contains(k.id()));
        if (kind.isEmpty()) {
            return event;
        }
        var result = runner.callback(w, kind.get(), event.error() == null ? null : new io.gale.api.TaskFailure(event.error()), 0,
                Scheduler.Settings.defaults().callbackTimeout());
        return new TaskEvent(event.key(), event.tryNumber(), event.state(), event.error(), event.xcoms(),
                event.log() + result.log(), event.start(), event.end());
    }

    /**
     * Runs try {@code tryNumber} of a task instance in this process, as the local executor would
     * (the DAG as the processor last recorded it, its code loaded here), and records nothing: the
     * scheduler that started the try records its end from the executor's report. This is what a
     * Kubernetes pod runs ({@code gale tasks run}).
     *
     * @throws io.gale.core.NotFoundException   when the DAG, task or run is unknown
     * @throws io.gale.core.ConflictException   when the task instance is not running that try
     */
    public TaskEvent runTry(String dagId, String taskId, String runId, int tryNumber) {
        SchedulableDag d = operations.schedulable(dagId);
        SerializedTask task = d.task(taskId);
        if (task == null) {
            throw io.gale.core.NotFoundException.task(dagId, taskId);
        }
        DagRun run = store().runs().find(dagId, runId).orElseThrow(() -> io.gale.core.NotFoundException.run(dagId, runId));
        io.gale.core.TaskInstance ti = store().taskInstances().forRun(dagId, runId).stream()
                .filter(t -> t.taskId().equals(taskId)).findFirst()
                .orElseThrow(() -> io.gale.core.NotFoundException.task(dagId, taskId));
        if (ti.state() != io.gale.core.TaskState.RUNNING || ti.tryNumber() != tryNumber) {
            throw new io.gale.core.ConflictException("task " + dagId + "." + taskId + " of run " + runId + " is not running try "
                    + tryNumber + " (it is " + ti.state().id() + ", try " + ti.tryNumber() + "): not running it");
        }
        return runner().run(new TaskWorkload(d.dag(), task, run, tryNumber, Math.max(ti.maxTries(), tryNumber)));
    }

    /**
     * Runs a scheduler loop (and, unless {@code GALE_STANDALONE_DAG_PROCESSOR}, the DAG processor)
     * in this process until Ctrl-C or until {@code done} says so; then lets running tries finish
     * (30 s at most) and records the rest as interrupted. A database outage does not end it: the
     * scheduler waits for the database (and logs it), and {@code done} and {@code everyLoop}
     * failing for a lost connection count as "not done yet".
     */
    public void runScheduler(Scheduler.Settings settings, Scope scope, PrintWriter err, BooleanSupplier done,
                             Runnable everyLoop) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        try (AutoCloseable endpoint = metricsEndpoint();
             Executor executor = newSchedulerExecutor();
             Scheduler scheduler = newScheduler(executor, settings);
             ChangeListener ignored = new ChangeListener(database, scheduler::wakeUp);
             DagProcessor processor = operations.dagProcessor(metrics());
             AutoCloseable reading = config.standaloneDagProcessor() ? () -> { }
                     : processor.every(config.dagDirListInterval(), e -> {
                         if (!ConnectionErrors.isConnectionLoss(e)) { // the scheduler reports an outage
                             err.println("Error: reading the dags folder: " + e.getMessage());
                         }
                     })) {
            Thread hook = stopOnSignal(stop, finished, scheduler::wakeUp);
            try {
                if (settings.createRuns()) {
                    scheduler.refreshNextRuns();
                }
                while (!stop.get() && !unlessUnreachable(done::getAsBoolean, false)) {
                    scheduler.runOnce(scope, Duration.ofSeconds(1));
                    unlessUnreachable(() -> {
                        everyLoop.run();
                        return true;
                    }, false);
                }
                try {
                    scheduler.shutdown(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    if (!ConnectionErrors.isConnectionLoss(e)) {
                        throw e;
                    }
                    throw new StoreException("database unreachable while stopping (" + ConnectionErrors.reason(e)
                            + "); tries not recorded are taken over by the next scheduler", e);
                }
            } finally {
                if (!stop.get()) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        } finally {
            if (stop.get()) {
                close();
            }
            finished.countDown();
        }
    }

    /** Runs the DAG processor every {@code GALE_DAG_DIR_LIST_INTERVAL} until Ctrl-C. */
    public void runDagProcessor(PrintWriter err) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        stopOnSignal(stop, finished, stopped::countDown);
        try (AutoCloseable endpoint = metricsEndpoint();
             DagProcessor processor = operations.dagProcessor(metrics());
             AutoCloseable ignored = processor.every(config.dagDirListInterval(),
                     e -> err.println("Error: reading the dags folder: " + shortMessage(e)))) {
            stopped.await();
        } finally {
            close();
            finished.countDown();
        }
    }

    /** A shutdown hook that sets {@code stop}, calls {@code wake} and waits for {@code finished}. */
    private static Thread stopOnSignal(AtomicBoolean stop, CountDownLatch finished, Runnable wake) {
        Thread hook = new Thread(() -> {
            stop.set(true);
            wake.run();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gale-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** {@code check}'s answer, or {@code whenUnreachable} while the database cannot be reached (the scheduler logs that). */
    private static boolean unlessUnreachable(BooleanSupplier check, boolean whenUnreachable) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            if (!ConnectionErrors.isConnectionLoss(e)) {
                throw e;
            }
            return whenUnreachable;
        }
    }

    private static String shortMessage(Throwable e) {
        return ConnectionErrors.isConnectionLoss(e) ? "database unreachable (" + ConnectionErrors.reason(e) + ")" : e.getMessage();
    }

    @Override
    public void close() {
        operations.close();
    }
}
