package io.gale.scheduler;

import io.gale.api.ProcessGroups;
import io.gale.api.Task;
import io.gale.api.TaskFailure;
import io.gale.core.CallbackKind;
import io.gale.core.BackfillState;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.JobState;
import io.gale.core.RetryDelay;
import io.gale.core.ProcessIdentity;
import io.gale.core.RunGroup;
import io.gale.core.RunKey;
import io.gale.core.RunType;
import io.gale.core.SerializedTask;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.core.TriggerRules;
import io.gale.executor.Executor;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskRunner;
import io.gale.executor.TaskWorkload;
import io.gale.metrics.Metrics;
import io.gale.schedule.DataInterval;
import io.gale.store.BackfillRepository;
import io.gale.store.CallbackOutboxRepository;
import io.gale.store.CallbackOutboxRepository.Claimed;
import io.gale.store.CallbackOutboxRepository.NewCallback;
import io.gale.store.ConnectionErrors;
import io.gale.store.DagRepository.NextRun;
import io.gale.store.DagRunRepository.ActiveGroup;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.NewDagRun;
import io.gale.store.SchedulerJobRepository.Job;
import io.gale.store.Store;
import io.gale.store.XComRepository;
import io.gale.store.TaskInstanceRepository;
import io.gale.store.TaskInstanceRepository.Finish;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.ProcessGroup;
import io.gale.store.TaskInstanceRepository.Progress;
import io.gale.store.TaskInstanceRepository.Start;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import io.gale.logging.LogFormat;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.LoggerFactory;

/**
 * Airflow's scheduler loop; it owns every state change. Each {@link #runOnce} records the tries
 * the executor reported, creates due runs, and advances the active runs it can lock (FOR UPDATE
 * SKIP LOCKED, so several schedulers share the work and never start the same try twice) in one
 * transaction: trigger rules, retry times, max_active_runs and max_active_tasks decide which
 * tries start. When nothing is ready it blocks until a try ends, a retry or a run falls due, or
 * {@link #wakeUp()} is called. It heartbeats the tries it runs and takes over those whose
 * scheduler died (zombies): they go to up_for_retry or failed. A try's end writes the callback it
 * calls for to the callback outbox in the same transaction; schedulers claim due callbacks there
 * and run them on a small pool of their own, with a time limit and retries.
 */
public final class Scheduler implements AutoCloseable {

    /**
     * @param createRuns       whether this loop creates scheduled runs (not for {@code dags test})
     * @param heartbeat        how often tries and the scheduler heartbeat, and zombies are looked for
     * @param zombieThreshold  a running try whose heartbeat is older is a zombie
     * @param queuedRunsPerLoop how many queued runs one loop may look at
     * @param callbackTimeout  how long one attempt of a task callback may run before it is interrupted
     * @param callbackAttempts how many times a callback that throws or times out is tried before it is marked failed
     * @param callbackRetryDelay the wait before a callback's second attempt, doubling for each further one (10 min at most)
     * @param fullPassEvery    how often a loop looks at every running run rather than only those with news (1 s)
     */
    public record Settings(boolean createRuns, Duration heartbeat, Duration zombieThreshold, int queuedRunsPerLoop,
                           Duration callbackTimeout, int callbackAttempts, Duration callbackRetryDelay, Duration fullPassEvery) {
        public static Settings defaults() {
            return new Settings(true, Duration.ofSeconds(5), Duration.ofSeconds(60), 200, Duration.ofSeconds(60),
                    3, Duration.ofSeconds(10), Duration.ofSeconds(1));
        }

        public Settings withCreateRuns(boolean create) {
            return new Settings(create, heartbeat, zombieThreshold, queuedRunsPerLoop, callbackTimeout, callbackAttempts,
                    callbackRetryDelay, fullPassEvery);
        }

        public Settings withZombieThreshold(Duration threshold) {
            return new Settings(createRuns, heartbeat, threshold, queuedRunsPerLoop, callbackTimeout, callbackAttempts,
                    callbackRetryDelay, fullPassEvery);
        }

        public Settings withHeartbeat(Duration every) {
            return new Settings(createRuns, every, zombieThreshold, queuedRunsPerLoop, callbackTimeout, callbackAttempts,
                    callbackRetryDelay, fullPassEvery);
        }

        public Settings withCallbackTimeout(Duration timeout) {
            return new Settings(createRuns, heartbeat, zombieThreshold, queuedRunsPerLoop, timeout, callbackAttempts,
                    callbackRetryDelay, fullPassEvery);
        }

        /** Callbacks that fail are tried {@code attempts} times in all, waiting {@code firstDelay}, then twice as long each time. */
        public Settings withCallbackRetries(int attempts, Duration firstDelay) {
            if (attempts < 1) {
                throw new IllegalArgumentException("callback attempts must be at least 1, got " + attempts);
            }
            return new Settings(createRuns, heartbeat, zombieThreshold, queuedRunsPerLoop, callbackTimeout, attempts, firstDelay,
                    fullPassEvery);
        }

        /**
         * How often a loop looks at every running run, not only those with news (ends recorded, runs
         * held back for a slot, a wake-up): the safety net for changes nobody announced.
         */
        public Settings withFullPassEvery(Duration every) {
            return new Settings(createRuns, heartbeat, zombieThreshold, queuedRunsPerLoop, callbackTimeout, callbackAttempts,
                    callbackRetryDelay, every);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** The longest wait between two attempts to reach the database. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Store store;
    private final DagSnapshot dags = new DagSnapshot();
    private final Executor executor;
    private final TaskRunner runner;
    private final Clock clock;
    private final Settings settings;
    private final Metrics metrics;
    /** When recently ended tries of this scheduler ended, for the upstream-to-downstream latency (scheduler thread only). */
    private final Map<TaskKey, Instant> recentEnds = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TaskKey, Instant> eldest) {
            return size() > 20_000;
        }
    };
    private final ProcessIdentity identity = ProcessIdentity.current();
    private final long jobId;
    private volatile Instant nextWakeup;
    private volatile Instant nextCreateCheck = Instant.MIN;
    private Instant lastHeartbeat = Instant.MIN;
    /** Runs with events since the last loop; other running runs are looked at in full passes. */
    private final java.util.Set<RunKey> dirty = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When the next pass looks at every running run (System.nanoTime: a polling cadence, not a time of record). */
    private volatile long nextFullPass = System.nanoTime();
    /** Whether runs were created since the last pass: the next one looks for queued runs of every group. */
    private boolean runsCame = true;
    /** The groups a run of which ended in the last pass: the next one starts their queued runs, if any. */
    private java.util.Set<RunGroup> freed = java.util.Set.of();
    /** How many task callbacks this scheduler delivers at once (it claims no more than it can start). */
    static final int CALLBACK_THREADS = 2;
    /** How often the callback outbox is looked at when this scheduler wrote nothing to it. */
    private static final Duration CALLBACK_POLL = Duration.ofSeconds(1);
    /** How long a claimed callback's lease outlives its time limit (to record the outcome). */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    private static final Duration MAX_CALLBACK_RETRY_DELAY = Duration.ofMinutes(10);
    /** Delivers task callbacks from the outbox: user code, never on the scheduler's thread. */
    private final ThreadPoolExecutor callbacks = new ThreadPoolExecutor(CALLBACK_THREADS, CALLBACK_THREADS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(CALLBACK_THREADS), r -> {
                Thread t = new Thread(r, "gale-callbacks");
                t.setDaemon(true);
                return t;
            });
    /** Callbacks claimed and not yet marked. */
    private final java.util.concurrent.atomic.AtomicInteger delivering = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether to look at the callback outbox in the next loop: this scheduler wrote to it or finished a delivery. */
    private final java.util.concurrent.atomic.AtomicBoolean deliverNow = new java.util.concurrent.atomic.AtomicBoolean(true);
    /** When (System.nanoTime) to look at the callback outbox anyway: polling is in real time, due times in the clock's. */
    private volatile long nextDeliveryPoll = System.nanoTime();
    private volatile Instant nextDagCheck = Instant.MIN;
    private Instant nextPoolCheck = Instant.MIN;
    /** The slots of each pool as last read. */
    private volatile Map<String, Integer> poolSizes = Map.of();
    private final java.util.Set<String> missingPools = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final LongAdder loops = new LongAdder();
    private final LongAdder eventsRecorded = new LongAdder();
    private final LongAdder triesStarted = new LongAdder();
    private final LongAdder applyNanos = new LongAdder();
    private final LongAdder planNanos = new LongAdder();
    private final LongAdder runsLooked = new LongAdder();
    /** Executor events not committed yet: held through a database outage and written once it is back. */
    private final List<TaskEvent> pending = new ArrayList<>();
    /** Process groups that tries reported and that are not committed yet. */
    private final List<ProcessGroup> pendingGroups = new ArrayList<>();
    /** One try of one task instance: what is in flight is a try, not a task (a retry may start before an old end is acknowledged). */
    private record Try(TaskKey key, int number) {
    }

    /** Tries handed to the executor whose end is not committed yet. */
    private final java.util.Set<Try> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When the database became unreachable (this scheduler's clock), or null while it is reachable. */
    private Instant unreachableSince;
    private Duration backoff = Duration.ZERO;
    private long retryAtNanos;
    /** Until then other schedulers are not judged by their heartbeat age: they may be reconnecting too. */
    private Instant judgeHeartbeatsAfter = Instant.MIN;

    /** What this loop has done: loops, events recorded, tries started, and milliseconds spent recording and planning. */
    public record Stats(long loops, long events, long started, long applyMillis, long planMillis, long runsLooked) {
    }

    public Stats stats() {
        return new Stats(loops.sum(), eventsRecorded.sum(), triesStarted.sum(), applyNanos.sum() / 1_000_000,
                planNanos.sum() / 1_000_000, runsLooked.sum());
    }

    public Scheduler(Store store, Executor executor, TaskRunner runner, Clock clock, Settings settings) {
        this(store, executor, runner, clock, settings, Metrics.none());
    }

    /** A scheduler that records its loop, task durations and latencies, executor slots and zombies in {@code metrics}. */
    public Scheduler(Store store, Executor executor, TaskRunner runner, Clock clock, Settings settings, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.executor = executor;
        this.runner = runner;
        this.clock = clock;
        this.settings = settings;
        this.jobId = store.schedulerJobs().register(identity, clock.instant());
        executor.start(jobId);
        callbacks.allowCoreThreadTimeOut(true);
        dags.refresh(store);
    }

    /** The DAGs this scheduler plans with. */
    public DagSnapshot dags() {
        return dags;
    }

    /** Makes a blocked {@link #runOnce} return soon and re-check for due runs. */
    public void wakeUp() {
        nextDagCheck = Instant.MIN;
        nextCreateCheck = Instant.MIN;
        nextFullPass = System.nanoTime();
        executor.wakeUp();
    }

    /** Recomputes every DAG's next automated run (at start, and when catchup=false, after a pause). */
    public void refreshNextRuns() {
        dags.refresh(store);
        Instant now = clock.instant();
        for (SchedulableDag d : dags.all()) {
            store.transact(tx -> NextRuns.refresh(tx, d, now));
        }
        nextCreateCheck = Instant.MIN;
    }

    /**
     * Takes a new snapshot of the DAGs when the DAG processor recorded a change, and recomputes
     * the next run of each DAG whose schedule changed.
     */
    private void refreshDags(Instant now) {
        if (!dags.refresh(store)) {
            return;
        }
        Map<String, String> signatures = store.dags().signatures();
        for (SchedulableDag d : dags.all()) {
            if (!NextRuns.signature(d).equals(signatures.get(d.id()))) {
                store.transact(tx -> NextRuns.refresh(tx, d, now));
            }
        }
        nextCreateCheck = Instant.MIN;
        nextFullPass = System.nanoTime();
    }

    /**
     * One loop over the runs in {@code scope}; waits up to {@code maxWait} for something to happen
     * when the loop changed nothing. Returns true when anything changed.
     */
    public boolean runOnce(Scope scope, Duration maxWait) throws InterruptedException {
        loops.increment();
        if (unreachableSince != null) {
            long left = retryAtNanos - System.nanoTime();
            if (left > 0) {
                holdEvents(Duration.ofNanos(Math.min(left, maxWait.toNanos())));
                return false;
            }
        }
        try {
            if (unreachableSince != null) {
                reconnected();
            }
            return loop(scope, maxWait);
        } catch (RuntimeException e) {
            if (!ConnectionErrors.isConnectionLoss(e)) {
                throw e;
            }
            unreachable(e);
            return false;
        }
    }

    private boolean loop(Scope scope, Duration maxWait) throws InterruptedException {
        long t0 = System.nanoTime();
        pending.addAll(executor.poll(Duration.ZERO));
        pendingGroups.addAll(executor.processGroups());
        boolean progressed = !pending.isEmpty();
        Instant now = clock.instant();
        if (!now.isBefore(nextDagCheck)) {
            nextDagCheck = now.plusSeconds(1);
            refreshDags(now);
        }
        refreshPools(now);
        maintain(now);
        if (settings.createRuns() && createDueRuns(now)) {
            progressed = true;
            runsCame = true;
        }
        progressed |= advance(scope);
        progressed |= deliverCallbacks(clock.instant());
        if (!progressed) {
            long waitStart = System.nanoTime();
            List<TaskEvent> events = executor.poll(waitTime(maxWait));
            t0 += System.nanoTime() - waitStart; // the loop's duration leaves the wait out
            pendingGroups.addAll(executor.processGroups());
            if (!events.isEmpty()) {
                // an end is recorded and what it unblocks starts in one transaction
                pending.addAll(events);
                advance(scope);
                progressed = true;
            }
        }
        metrics.executorSlots(executor.openSlots(), executor.running());
        metrics.schedulerLoop(System.nanoTime() - t0);
        return progressed;
    }

    /** Runs {@code run} until it finishes or {@code timeout} passes; returns it as it then is. */
    public DagRun runToCompletion(DagRun run, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Scope scope = Scope.run(run.dagId(), run.runId());
        while (true) {
            runOnce(scope, Duration.ofMillis(200));
            DagRun current = store.runs().find(run.dagId(), run.runId()).orElseThrow();
            if ((current.state().finished() && executor.running() == 0 && callbacksDone(current))
                    || System.nanoTime() - deadline > 0) {
                return current;
            }
        }
    }

    /** The earliest retry time of a task waiting to retry, or null. */
    public Instant nextWakeup() {
        return nextWakeup;
    }

    private Duration waitTime(Duration maxWait) {
        Instant now = clock.instant();
        Duration wait = maxWait;
        for (Instant due : new Instant[] {nextWakeup, settings.createRuns() ? nextCreateCheck : null}) {
            if (due != null && due.isAfter(Instant.MIN)) {
                Duration d = Duration.between(now, due);
                if (d.compareTo(wait) < 0) wait = d;
            }
        }
        return wait.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : wait;
    }

    // ---- executor events ------------------------------------------------------------------

    /**
     * Records the executor's events together with those held since a failed write, in a
     * transaction of their own (at shutdown; the loop records them in its planning transaction).
     */
    void apply(List<TaskEvent> newEvents) {
        pending.addAll(newEvents);
        if (pending.isEmpty()) {
            return;
        }
        List<TaskEvent> events = List.copyOf(pending);
        List<TaskKey> ended = retrying(() -> store.transaction(tx -> record(tx, events)));
        recorded(events, ended);
    }

    /**
     * Writes the ends of {@code events}' tries: state, XComs, log. An event for a try that is no
     * longer running changes nothing (so a write repeated after an unclear commit is harmless);
     * a try cleared while it ran (restarting) goes back to none. Returns the task instances whose
     * try ended here.
     */
    private List<TaskKey> record(Store tx, List<TaskEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        long t0 = System.nanoTime();
        List<Finish> finishes = events.stream().map(e -> new Finish(e.key(), e.tryNumber(), e.state(), e.end(),
                e.state() == TaskState.UP_FOR_RETRY ? e.end().plus(retryDelay(tx, e.key(), e.tryNumber())) : null)).toList();
        List<TaskKey> ended = tx.taskInstances().finishTries(finishes); // only tries still running with that number
        java.util.Set<TaskKey> endedKeys = new java.util.HashSet<>(ended);
        List<XComRepository.Push> pushes = new ArrayList<>();
        List<TaskKey> others = new ArrayList<>();
        for (TaskEvent e : events) {
            if (endedKeys.contains(e.key())) {
                e.xcoms().forEach((k, json) -> pushes.add(new XComRepository.Push(e.key(), k, json)));
            } else {
                others.add(e.key());
            }
        }
        tx.xcoms().putAll(pushes);
        writeCallbacks(tx, events, endedKeys);
        // a try cleared while it ran (restarting) goes back to none, without the values it pushed
        Map<TaskKey, TaskState> restart = new HashMap<>();
        java.util.Set<TaskKey> exist = new java.util.HashSet<>(endedKeys);
        for (Progress p : tx.taskInstances().progress(others)) {
            exist.add(p.key());
            if (p.state() == TaskState.RESTARTING) {
                restart.put(p.key(), TaskState.NONE);
            }
        }
        // every try keeps its log, but not one of a task instance deleted with its run meanwhile (logs have no foreign key)
        tx.logs().putAll(events.stream().filter(e -> e.log() != null && exist.contains(e.key()))
                .map(e -> new io.gale.store.TaskLogRepository.Entry(e.key(), e.tryNumber(), e.log())).toList());
        tx.xcoms().deleteAll(restart.keySet());
        tx.taskInstances().setStates(restart, clock.instant());
        applyNanos.add(System.nanoTime() - t0);
        return ended;
    }

    /** After the commit that recorded {@code events}: they leave memory, and the ends are logged. */
    private void recorded(List<TaskEvent> events, List<TaskKey> endedKeys) {
        if (events.isEmpty()) {
            return;
        }
        java.util.Set<TaskKey> ended = new java.util.HashSet<>(endedKeys);
        boolean info = LOG.isInfoEnabled();
        for (TaskEvent e : events) {
            if (!ended.contains(e.key())) {
                continue;
            }
            if (info) {
                withIds(e.key().dagId(), e.key().runId(), e.key().taskId(), e.tryNumber(),
                        () -> LOG.info("Task {} ended try {}: {}", describe(e.key()), e.tryNumber(), e.state().id()));
            }
            if (e.start() != null && e.end() != null) {
                metrics.taskEnded(e.key().dagId(), e.key().taskId(), e.state(), Duration.between(e.start(), e.end()));
                recentEnds.put(e.key(), e.end());
            }
        }
        pending.subList(0, events.size()).clear();
        events.forEach(e -> inFlight.remove(new Try(e.key(), e.tryNumber())));
        eventsRecorded.add(events.size());
    }

    private Duration retryDelay(Store tx, TaskKey key, int tryNumber) {
        SerializedTask task = dags.get(key.dagId()).map(d -> d.task(key.taskId())).orElse(null);
        if (task == null) {
            return Task.DEFAULT_RETRY_DELAY;
        }
        Instant logical = tx.runs().find(key.dagId(), key.runId()).map(DagRun::logicalDate).orElse(Instant.EPOCH);
        return RetryDelay.of(task.retryDelay(), task.retryExponentialBackoff(), task.maxRetryDelay(),
                key.dagId(), key.taskId(), logical, tryNumber);
    }

    // ---- run creation ---------------------------------------------------------------------

    private boolean createDueRuns(Instant now) {
        if (now.isBefore(nextCreateCheck)) {
            return false;
        }
        boolean[] heldBack = {false};
        boolean created = retrying(() -> store.transaction(tx -> {
            boolean any = false;
            for (NextRun due : tx.dags().lockDue(now)) {
                Optional<SchedulableDag> loaded = dags.get(due.dagId());
                if (loaded.isEmpty()) {
                    continue;
                }
                SchedulableDag d = loaded.get();
                int active = tx.runs().countActive(d.id());
                NextRun n = due;
                while (n != null && !n.createAfter().isAfter(now)) {
                    if (active >= d.maxActiveRuns()) {
                        heldBack[0] = true; // created once a run finishes
                        break;
                    }
                    if (tx.runs().createIfAbsent(new NewDagRun(d.id(), RunType.SCHEDULED.runId(n.logicalDate()),
                            RunType.SCHEDULED, n.logicalDate(), n.intervalStart(), n.intervalEnd(), DagRunState.QUEUED,
                            Map.of())).isPresent()) {
                        active++;
                        any = true;
                    }
                    n = NextRuns.after(d, new DataInterval(n.intervalStart(), n.intervalEnd()), now)
                            .map(i -> NextRuns.toNextRun(d.id(), i)).orElse(null);
                }
                if (n != due) {
                    tx.dags().setNext(d.id(), n, NextRuns.signature(d));
                }
            }
            return any;
        }));
        Instant earliest = store.dags().earliestCreateAfter().orElse(null);
        Instant fallback = now.plusSeconds(heldBack[0] ? 5 : 60);
        nextCreateCheck = earliest != null && earliest.isAfter(now) && earliest.isBefore(fallback) ? earliest : fallback;
        return created;
    }

    // ---- advancing runs -------------------------------------------------------------------

    private record Plan(boolean changed, List<TaskWorkload> toStart, Instant wake, List<RunKey> heldBack,
                        Map<RunKey, DagRunState> runStates, Map<TaskKey, TaskState> states, java.util.Set<RunGroup> freed,
                        List<TaskKey> ended) {
        Plan withEnded(List<TaskKey> keys) {
            return new Plan(changed, toStart, wake, heldBack, runStates, states, freed, keys);
        }
    }

    private boolean advance(Scope scope) {
        List<TaskEvent> events = List.copyOf(pending);
        List<ProcessGroup> groups = List.copyOf(pendingGroups);
        events.forEach(e -> dirty.add(RunKey.of(e.key())));
        Instant now = clock.instant();
        boolean full = System.nanoTime() - nextFullPass >= 0 || (nextWakeup != null && !now.isBefore(nextWakeup));
        List<RunKey> only = null;
        if (full) {
            dirty.clear();
            nextFullPass = System.nanoTime() + settings.fullPassEvery().toNanos();
        } else {
            only = new ArrayList<>(dirty);
            dirty.removeAll(only);
        }
        if (!full && events.isEmpty() && groups.isEmpty() && only.isEmpty() && !runsCame && freed.isEmpty()) {
            return false; // nothing to record and no run to look at: an event, a wake-up or the next full pass brings work
        }
        List<RunKey> runsToLook = only;
        // queued runs can start only when one ended (in its group), runs came, or someone woke us (a full pass)
        java.util.Set<RunGroup> toFill = full || runsCame ? null : freed;
        long t0 = System.nanoTime();
        long recording = applyNanos.sum();
        Plan plan = retrying(() -> store.transaction(tx -> {
            tx.taskInstances().setProcessGroups(groups); // before the ends: only a running try takes one
            List<TaskKey> ended = record(tx, events);
            return plan(tx, scope, runsToLook, toFill).withEnded(ended);
        }));
        planNanos.add(System.nanoTime() - t0 - (applyNanos.sum() - recording));
        recorded(events, plan.ended());
        pendingGroups.subList(0, groups.size()).clear();
        triesStarted.add(plan.toStart().size());
        if (full) {
            nextWakeup = plan.wake();
        } else if (plan.wake() != null && (nextWakeup == null || plan.wake().isBefore(nextWakeup))) {
            nextWakeup = plan.wake();
        }
        dirty.addAll(plan.heldBack());
        // a run that ended leaves room for a queued one of its group, which the next pass starts
        runsCame = false;
        freed = plan.freed();
        if (LOG.isInfoEnabled()) {
            plan.runStates().forEach((run, state) -> withIds(run.dagId(), run.runId(), null, 0,
                    () -> LOG.info("Run {} of DAG {} is {}", run.runId(), run.dagId(), state.id())));
            plan.states().forEach((ti, state) -> withIds(ti.dagId(), ti.runId(), ti.taskId(), 0,
                    () -> LOG.info("Task {} is {}", describe(ti), state.id())));
            plan.toStart().forEach(w -> withIds(w.run().dagId(), w.run().runId(), w.task().id(), w.tryNumber(),
                    () -> LOG.info("Task {} started try {} of {}", describe(w.key()), w.tryNumber(), w.maxTries())));
        }
        Instant started = clock.instant();
        plan.toStart().forEach(w -> {
            inFlight.add(new Try(w.key(), w.tryNumber()));
            executor.submit(w);
            upstreamLatency(w, started);
        });
        return plan.changed() || !events.isEmpty();
    }

    /**
     * One loop's decisions over the runs it could lock, written in {@code tx}: queued runs that
     * start, task instances created, skipped, failed upstream or started, runs that finish.
     */
    private Plan plan(Store tx, Scope scope, List<RunKey> only, java.util.Set<RunGroup> toFill) {
        Instant now = clock.instant();
        Decisions d = new Decisions(executor.openSlots());
        List<DagRun> runs = lockRuns(tx, scope, only, toFill, d);
        runsLooked.add(runs.size());
        if (runs.isEmpty()) {
            return new Plan(false, List.of(), null, List.of(), Map.of(), Map.of(), java.util.Set.of(), List.of());
        }
        Map<String, Integer> lockedPools = lockPools(tx, runs); // before counting: the counts then hold until commit
        TaskInstanceRepository.Active active = tx.taskInstances().active();
        d.activeTasks.putAll(active.tasksByDag());
        d.poolOpen.putAll(openPoolSlots(lockedPools, active.slotsByPool()));
        Map<RunKey, List<Progress>> tisByRun = tx.taskInstances().forRuns(runs).stream()
                .collect(Collectors.groupingBy(t -> RunKey.of(t.key())));
        for (DagRun run : runs) {
            Optional<SchedulableDag> loaded = dags.get(run.dagId());
            if (loaded.isPresent()) { // else its file is gone; the run waits for it to come back
                planRun(run, loaded.get(), tisByRun.getOrDefault(RunKey.of(run), List.of()), d, now);
            }
        }
        d.write(tx, now, identity, jobId);
        return new Plan(d.changed, d.toStart, d.wake, d.heldBack, d.runStates, d.states, d.freed, List.of());
    }

    /**
     * The running runs in scope (or in {@code only}) and as many queued ones as their DAG's (or
     * backfill's) max_active_runs leaves room for, locked: of every group when {@code toFill} is
     * null, else of the groups in it (those where a run ended: counting the queued runs of every
     * group reads all of them, thousands in a backfill). Counts running runs per group into
     * {@code d} (only queued runs need the counts).
     */
    private List<DagRun> lockRuns(Store tx, Scope scope, List<RunKey> only, java.util.Set<RunGroup> toFill, Decisions d) {
        List<DagRun> runs = new ArrayList<>(tx.runs().lockRunning(scope, only));
        List<RunGroup> candidates;
        if (toFill == null) {
            List<ActiveGroup> groups = tx.runs().activeGroups(scope);
            groups.forEach(g -> d.running.put(g.group(), g.running()));
            candidates = groups.stream().filter(g -> g.queued() > 0).map(ActiveGroup::group).toList();
        } else {
            candidates = List.copyOf(toFill);
        }
        if (candidates.stream().anyMatch(g -> g.backfillId() != null)) {
            java.util.Set<Long> paused = tx.backfills().pausedIds();
            tx.backfills().running().forEach(b -> d.backfillLimits.put(b.id(), paused.contains(b.id()) ? 0 : b.maxActiveRuns()));
        }
        for (RunGroup g : candidates) {
            int limit = dags.get(g.dagId()).map(x -> d.maxActiveRuns(g.backfillId(), x)).orElse(0);
            // schedulers take turns per DAG to start queued runs, and count its running runs again once it is
            // their turn: two counting at once would each fill the same free places
            if (limit > d.running.getOrDefault(g, 0) && tx.dags().lockForRunStarts(g.dagId())) {
                int running = tx.runs().countRunning(g);
                d.running.put(g, running);
                int free = Math.min(limit - running, settings.queuedRunsPerLoop());
                if (free > 0) {
                    runs.addAll(tx.runs().lockQueued(scope, g.dagId(), g.backfillId(), free));
                }
            }
        }
        return runs;
    }

    /** Decides one run: starts it if queued and allowed, creates its missing task instances, then its tasks, then whether it ended. */
    private void planRun(DagRun run, SchedulableDag dag, List<Progress> found, Decisions d, Instant now) {
        RunKey runKey = RunKey.of(run);
        if (run.state() == DagRunState.QUEUED) {
            RunGroup group = new RunGroup(run.dagId(), run.backfillId());
            if (d.running.getOrDefault(group, 0) >= d.maxActiveRuns(run.backfillId(), dag)) {
                return;
            }
            d.running.merge(group, 1, Integer::sum);
            d.runStates.put(runKey, DagRunState.RUNNING);
            d.changed = true;
        }
        Map<String, Progress> tis = new HashMap<>();
        found.forEach(t -> tis.put(t.key().taskId(), t));
        List<NewTask> missing = dag.tasks().values().stream().filter(t -> !tis.containsKey(t.id()))
                .map(t -> new NewTask(t.id(), t.retries() + 1, t.operatorName())).toList();
        if (!missing.isEmpty()) {
            d.newTasks.put(runKey, missing);
            for (NewTask t : missing) {
                tis.put(t.taskId(), new Progress(new TaskKey(run.dagId(), run.runId(), t.taskId()), TaskState.NONE, 0,
                        t.maxTries(), null));
            }
            d.changed = true;
        }
        Map<String, TaskState> current = new HashMap<>();
        tis.forEach((id, ti) -> current.put(id, ti.state()));
        for (Progress ti : tis.values()) {
            if (!dag.tasks().containsKey(ti.key().taskId()) && !ti.state().finished() && ti.state() != TaskState.RUNNING) {
                d.states.put(ti.key(), TaskState.REMOVED);
                current.put(ti.key().taskId(), TaskState.REMOVED);
                d.changed = true;
            }
        }
        int started = planTasks(run, dag, tis, current, d, now);
        if (started == 0 && current.values().stream().allMatch(TaskState::finished)) {
            boolean failed = dag.leafIds().stream().map(current::get)
                    .anyMatch(s -> s == TaskState.FAILED || s == TaskState.UPSTREAM_FAILED);
            d.runStates.put(runKey, failed ? DagRunState.FAILED : DagRunState.SUCCESS);
            d.running.merge(new RunGroup(run.dagId(), run.backfillId()), -1, Integer::sum);
            d.freed.add(new RunGroup(run.dagId(), run.backfillId()));
            nextCreateCheck = Instant.MIN;
            if (run.backfillId() != null) {
                d.finishedBackfillRuns.add(run.backfillId());
            }
            d.changed = true;
        }
    }

    /**
     * Walks a run's tasks upstream first: trigger rules skip or fail them upstream, ready ones
     * start while executor slots and max_active_tasks allow, retries wait for their time.
     * {@code current} follows the decisions; returns how many tries start.
     */
    private int planTasks(DagRun run, SchedulableDag dag, Map<String, Progress> tis, Map<String, TaskState> current,
                          Decisions d, Instant now) {
        int started = 0;
        for (String taskId : dag.topologicalOrder()) {
            Progress ti = tis.get(taskId);
            TaskState state = current.get(taskId);
            if (state == TaskState.UP_FOR_RETRY && ti.nextRetryAt() != null && ti.nextRetryAt().isAfter(now)) {
                d.wake = d.wake == null || ti.nextRetryAt().isBefore(d.wake) ? ti.nextRetryAt() : d.wake;
                continue;
            }
            if (state != TaskState.NONE && state != TaskState.SCHEDULED && state != TaskState.UP_FOR_RETRY) {
                continue;
            }
            SerializedTask task = dag.task(taskId);
            var decision = state == TaskState.UP_FOR_RETRY ? TriggerRules.Decision.RUN
                    : TriggerRules.evaluate(task.triggerRule(), TriggerRules.Counts.of(
                    task.upstreamIds().stream().map(current::get).toList()));
            switch (decision) {
                case SKIP, UPSTREAM_FAILED -> {
                    TaskState s = decision == TriggerRules.Decision.SKIP ? TaskState.SKIPPED : TaskState.UPSTREAM_FAILED;
                    d.states.put(ti.key(), s);
                    current.put(taskId, s);
                    d.changed = true;
                }
                case RUN -> {
                    int dagActive = d.activeTasks.getOrDefault(run.dagId(), 0);
                    if (d.slots <= 0 || dagActive >= dag.maxActiveTasks() || !poolHasRoom(d.poolOpen, task)) {
                        d.heldBack.add(RunKey.of(run)); // look again when a slot frees
                        continue;
                    }
                    int tryNumber = ti.tryNumber() + 1;
                    d.starts.add(new Start(ti.key(), tryNumber, task.queue(), task.pool(), task.poolSlots()));
                    d.poolOpen.merge(task.pool(), -task.poolSlots(), Integer::sum);
                    current.put(taskId, TaskState.RUNNING);
                    d.toStart.add(new TaskWorkload(dag.dag(), task, run, tryNumber, Math.max(ti.maxTries(), tryNumber)));
                    d.activeTasks.put(run.dagId(), dagActive + 1);
                    d.slots--;
                    started++;
                    d.changed = true;
                }
                case WAIT -> { }
            }
        }
        return started;
    }

    /** What one planning pass decided, gathered run by run and written at the end in one go. */
    private static final class Decisions {
        final Map<RunGroup, Integer> running = new HashMap<>();
        final Map<Long, Integer> backfillLimits = new HashMap<>();
        final Map<String, Integer> activeTasks = new HashMap<>();
        /** Open slots per pool, counting what this pass starts. */
        final Map<String, Integer> poolOpen = new HashMap<>();
        final Map<TaskKey, TaskState> states = new LinkedHashMap<>();
        final java.util.Set<Long> finishedBackfillRuns = new java.util.HashSet<>();
        /** The groups a run of which ended in this pass. */
        final java.util.Set<RunGroup> freed = new java.util.HashSet<>();
        final List<RunKey> heldBack = new ArrayList<>();
        final Map<RunKey, DagRunState> runStates = new LinkedHashMap<>();
        final Map<RunKey, List<NewTask>> newTasks = new LinkedHashMap<>();
        final List<Start> starts = new ArrayList<>();
        final List<TaskWorkload> toStart = new ArrayList<>();
        boolean changed;
        int slots;
        Instant wake;

        Decisions(int slots) {
            this.slots = slots;
        }

        /** The runs a group (a DAG's own runs, or one backfill's) may have running at once. */
        int maxActiveRuns(Long backfillId, SchedulableDag dag) {
            return backfillId == null ? dag.maxActiveRuns() : backfillLimits.getOrDefault(backfillId, dag.maxActiveRuns());
        }

        void write(Store tx, Instant now, ProcessIdentity identity, long jobId) {
            tx.runs().setStates(runStates, now);
            tx.taskInstances().createMissing(newTasks);
            tx.taskInstances().setStates(states, now);
            // a first try has no XComs (clearing deletes them); a retry must not see its failed try's
            tx.xcoms().deleteAll(starts.stream().filter(st -> st.tryNumber() > 1).map(Start::key).toList());
            tx.taskInstances().markRunning(starts, now, identity.hostname(), identity.pid(), jobId);
            for (long backfillId : finishedBackfillRuns) {
                if (!tx.backfills().hasActiveRuns(backfillId)) {
                    tx.backfills().setState(backfillId, BackfillState.COMPLETED, now);
                }
            }
        }
    }

    /** Records how long after its last upstream try ended a task's first try started, when this scheduler saw those ends. */
    private void upstreamLatency(TaskWorkload w, Instant started) {
        if (w.tryNumber() != 1 || w.task().upstreamIds().isEmpty()) {
            return;
        }
        Instant last = null;
        for (String up : w.task().upstreamIds()) {
            Instant end = recentEnds.get(new TaskKey(w.run().dagId(), w.run().runId(), up));
            if (end == null) {
                return; // ended before this scheduler started, or on another scheduler
            }
            last = last == null || end.isAfter(last) ? end : last;
        }
        metrics.upstreamLatency(Duration.between(last, started));
    }

    // ---- pools --------------------------------------------------------------------------

    /** Reads the pools' slots (once a second: pools change rarely; their use is counted in each planning transaction). */
    private void refreshPools(Instant now) {
        if (now.isBefore(nextPoolCheck)) {
            return;
        }
        nextPoolCheck = now.plusSeconds(1);
        poolSizes = store.pools().slots();
    }

    /**
     * Locks the pools other than {@code default_pool} that tasks of these runs' DAGs name, and
     * returns their slots: two schedulers never fill such a pool at once. {@code default_pool}
     * (which most tries take) is not locked, so schedulers do not wait on each other for it.
     */
    private Map<String, Integer> lockPools(Store tx, List<DagRun> runs) {
        java.util.Set<String> named = new java.util.TreeSet<>();
        runs.stream().map(DagRun::dagId).distinct().forEach(id -> dags.get(id).ifPresent(d -> d.tasks().values().forEach(t -> {
            if (!Task.DEFAULT_POOL.equals(t.pool())) {
                named.add(t.pool());
            }
        })));
        return named.isEmpty() ? Map.of() : tx.pools().lock(named);
    }

    /** Open slots per pool: its slots (those just locked, else as last read) less the slots queued and running tries take. */
    private Map<String, Integer> openPoolSlots(Map<String, Integer> locked, Map<String, Integer> used) {
        Map<String, Integer> open = new HashMap<>(poolSizes);
        open.putAll(locked);
        open.replaceAll((pool, slots) -> slots - used.getOrDefault(pool, 0));
        return open;
    }

    /** Whether the task's pool has the slots one try takes; a pool that does not exist has none (warned once). */
    private boolean poolHasRoom(Map<String, Integer> open, SerializedTask task) {
        Integer left = open.get(task.pool());
        if (left == null) {
            if (missingPools.add(task.pool())) {
                LOG.warn("Pool '{}' does not exist: tries of its tasks (e.g. {}) wait until it is created ('gale pools set {} SLOTS')",
                        task.pool(), task.id(), task.pool());
            }
            return false;
        }
        return left >= task.poolSlots();
    }

    // ---- heartbeats, zombies, backfills ---------------------------------------------------

    private void maintain(Instant now) {
        if (Duration.between(lastHeartbeat, now).compareTo(settings.heartbeat()) < 0 && lastHeartbeat.isAfter(Instant.MIN)) {
            return;
        }
        store.schedulerJobs().heartbeat(jobId, now);
        store.taskInstances().heartbeat(jobId, now);
        lastHeartbeat = now;
        handleZombies(now, List.of());
        completeBackfills(now);
    }

    /** Ends the tries whose scheduler died (or, with {@code own}, this scheduler's unfinished ones at shutdown). */
    void handleZombies(Instant now, List<Long> own) {
        Instant stale = now.isBefore(judgeHeartbeatsAfter) ? Instant.EPOCH : now.minus(settings.zombieThreshold());
        List<Long> dead = new ArrayList<>(own);
        Map<Long, Job> jobs = new HashMap<>();
        for (Job j : store.schedulerJobs().running()) {
            jobs.put(j.id(), j);
            if (j.id() != jobId && (j.process().goneFromThisMachine() || j.latestHeartbeat().isBefore(stale))) {
                dead.add(j.id());
            }
        }
        if (!dead.isEmpty()) {
            store.schedulerJobs().markFailed(dead.stream().filter(id -> id != jobId).toList());
        }
        List<TaskInstance> zombies = store.taskInstances().zombies(stale, dead);
        java.util.Set<TaskKey> adopted = adopt(zombies.stream().filter(z -> !Long.valueOf(jobId).equals(z.schedulerId())).toList(), now);
        for (TaskInstance z : zombies) {
            if (adopted.contains(z.key())) {
                continue;
            }
            Job job = z.schedulerId() == null ? null : jobs.get(z.schedulerId());
            if (z.processGroup() != null && job != null && job.process().onThisMachine() && !groupGone(z)) {
                continue; // looked at again at the next heartbeat; the retry waits
            }
            endZombie(z, now, own.isEmpty() ? "its scheduler (" + z.hostname() + ", pid " + z.pid() + ") stopped heartbeating"
                    : "the scheduler running it was stopped");
        }
    }

    /** Hands {@code orphans} to the executor first: the tries it still sees running become this scheduler's. */
    private java.util.Set<TaskKey> adopt(List<TaskInstance> orphans, Instant now) {
        if (orphans.isEmpty()) {
            return java.util.Set.of();
        }
        Map<TaskKey, Integer> tries = new HashMap<>();
        orphans.forEach(z -> tries.put(z.key(), z.tryNumber()));
        List<Start> seen = executor.adopt(orphans).stream().filter(tries::containsKey).map(k -> new Start(k, tries.get(k))).toList();
        seen.forEach(t -> inFlight.add(new Try(t.key(), t.tryNumber())));
        java.util.Set<TaskKey> moved = new java.util.HashSet<>(store.taskInstances().adopt(seen, jobId, now));
        moved.forEach(k -> LOG.info("Task {}: adopted try {} from a scheduler that stopped", describe(k), tries.get(k)));
        return moved;
    }

    /**
     * Ends what is left of a lost try's process group on this machine before the try is retried;
     * false (and a warning) when processes of it survive SIGKILL.
     */
    private boolean groupGone(TaskInstance z) {
        List<Long> survivors = ProcessGroups.end(z.processGroup(), Duration.ofSeconds(10));
        if (!survivors.isEmpty()) {
            withIds(z.dagId(), z.runId(), z.taskId(), z.tryNumber(), () -> LOG.warn(
                    "Task {}: processes {} of lost try {} (process group {}) survive SIGKILL; not retrying it yet",
                    describe(z.key()), survivors, z.tryNumber(), z.processGroup()));
            return false;
        }
        return true;
    }

    /**
     * Ends a lost try (up_for_retry or failed) and, in the same transaction, logs why and writes
     * the on_retry or on_failure callback it calls for to the outbox.
     */
    private void endZombie(TaskInstance z, Instant now, String why) {
        TaskState state = z.tryNumber() < z.maxTries() ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
        Instant nextRetry = state == TaskState.UP_FOR_RETRY ? now.plus(retryDelay(store, z.key(), z.tryNumber())) : null;
        String message = "Try " + z.tryNumber() + " was lost: " + why + "; marked " + state.id();
        CallbackKind kind = state == TaskState.UP_FOR_RETRY ? CallbackKind.ON_RETRY : CallbackKind.ON_FAILURE;
        boolean calls = dags.get(z.dagId()).map(d -> d.task(z.taskId()))
                .map(t -> t.callbacks().contains(kind.id())).orElse(false);
        List<TaskKey> ended = store.transaction(tx -> {
            List<TaskKey> keys = tx.taskInstances().finishTries(List.of(new Finish(z.key(), z.tryNumber(), state, now, nextRetry)));
            if (!keys.isEmpty()) {
                tx.logs().append(z.key(), z.tryNumber(), "[" + now + "] ERROR - " + message + "\n");
                if (calls) {
                    tx.callbacks().addAll(List.of(new NewCallback(z.key(), z.tryNumber(), kind, state, message)), now);
                    deliverNow.set(true);
                }
            }
            return keys;
        });
        if (!ended.isEmpty()) {
            metrics.zombieKilled();
            withIds(z.dagId(), z.runId(), z.taskId(), z.tryNumber(), () -> LOG.warn("Task {} {}", z.key(), message));
        } // else another scheduler got there first, or the try ended meanwhile
    }

    private void completeBackfills(Instant now) {
        for (BackfillRepository.Backfill b : store.backfills().running()) {
            if (!store.backfills().hasActiveRuns(b.id())) {
                store.backfills().setState(b.id(), BackfillState.COMPLETED, now);
            }
        }
    }

    // ---- task callbacks (the callback outbox) ---------------------------------------------

    /**
     * Writes the callbacks that the ends recorded in this transaction call for (one statement);
     * ends of tasks without that callback add nothing.
     */
    private void writeCallbacks(Store tx, List<TaskEvent> events, java.util.Set<TaskKey> ended) {
        List<NewCallback> calls = null;
        for (TaskEvent e : events) {
            Optional<CallbackKind> kind = CallbackKind.forEnd(e.state());
            if (kind.isEmpty() || !ended.contains(e.key())) {
                continue;
            }
            SerializedTask task = dags.get(e.key().dagId()).map(d -> d.task(e.key().taskId())).orElse(null);
            if (task == null || !task.callbacks().contains(kind.get().id())) {
                continue;
            }
            if (calls == null) {
                calls = new ArrayList<>();
            }
            calls.add(new NewCallback(e.key(), e.tryNumber(), kind.get(), e.state(), e.error()));
        }
        if (calls != null) {
            tx.callbacks().addAll(calls, clock.instant());
            deliverNow.set(true);
        }
    }

    /**
     * Claims as many due callbacks as this scheduler has free callback threads and starts them;
     * returns true when it claimed any. Looks once a second, and at once after this scheduler
     * wrote a callback or finished delivering one.
     */
    private boolean deliverCallbacks(Instant now) {
        int free = CALLBACK_THREADS - delivering.get();
        if (free <= 0 || (!deliverNow.getAndSet(false) && System.nanoTime() - nextDeliveryPoll < 0)) {
            return false;
        }
        nextDeliveryPoll = System.nanoTime() + CALLBACK_POLL.toNanos();
        List<Claimed> claimed = store.callbacks().claim(jobId, now, now.plus(settings.callbackTimeout()).plus(LEASE_MARGIN), free);
        for (Claimed c : claimed) {
            SchedulableDag dag = dags.get(c.key().dagId()).orElse(null);
            delivering.incrementAndGet();
            try {
                callbacks.execute(() -> {
                    try {
                        deliver(c, dag);
                    } catch (RuntimeException e) {
                        LOG.warn("Cannot record the {} callback of {} (outbox row {}): {}; it is delivered again once its lease ends",
                                c.kind().id(), describe(c.key()), c.id(), e.getMessage());
                    } finally {
                        delivering.decrementAndGet();
                        deliverNow.set(true);
                        executor.wakeUp();
                    }
                });
            } catch (RejectedExecutionException e) {
                delivering.decrementAndGet(); // stopping: the lease runs out and another scheduler delivers it
            }
        }
        return !claimed.isEmpty();
    }

    /**
     * Runs one claimed callback (on a callback thread) and records how it went with its log, in
     * one transaction: delivered; or due again after a delay; or, after the last attempt, failed.
     */
    private void deliver(Claimed c, SchedulableDag dag) {
        SerializedTask task = dag == null ? null : dag.task(c.key().taskId());
        Optional<DagRun> run = store.runs().find(c.key().dagId(), c.key().runId());
        Optional<TaskInstance> ti = store.taskInstances().find(c.key());
        TaskRunner.CallbackResult result;
        if (task == null || run.isEmpty() || ti.isEmpty()) {
            result = new TaskRunner.CallbackResult("task " + describe(c.key()) + " is no longer known to this scheduler", "");
        } else {
            TaskWorkload w = new TaskWorkload(dag.dag(), task, run.get(), c.tryNumber(), Math.max(c.tryNumber(), ti.get().maxTries()));
            result = runner.callback(w, c.kind(), c.error() == null ? null : new TaskFailure(c.error()), c.id(),
                    settings.callbackTimeout());
        }
        Instant now = clock.instant();
        String attempt = "attempt " + c.attempts() + " of " + settings.callbackAttempts();
        boolean held;
        if (result.ok()) {
            held = store.transaction(tx -> {
                tx.logs().append(c.key(), c.tryNumber(), result.log());
                return tx.callbacks().delivered(c.id(), jobId, now);
            });
        } else if (c.attempts() < settings.callbackAttempts()) {
            Instant next = now.plus(callbackRetryDelay(c.attempts()));
            String line = "[" + now + "] WARN - The " + c.kind().id() + " callback failed (" + attempt + "): "
                    + result.failure() + "; trying again at " + next + "\n";
            held = store.transaction(tx -> {
                tx.logs().append(c.key(), c.tryNumber(), result.log() + line);
                return tx.callbacks().retryAt(c.id(), jobId, next, result.failure());
            });
        } else {
            String line = "[" + now + "] ERROR - The " + c.kind().id() + " callback failed (" + attempt + "), giving up: "
                    + result.failure() + "\n";
            LOG.warn("Task {}: the {} callback of try {} failed {} times, giving up: {}", describe(c.key()), c.kind().id(),
                    c.tryNumber(), c.attempts(), result.failure());
            held = store.transaction(tx -> {
                tx.logs().append(c.key(), c.tryNumber(), result.log() + line);
                return tx.callbacks().failed(c.id(), jobId, now, result.failure());
            });
        }
        if (!held) {
            LOG.warn("Task {}: the {} callback of try {} ran after this scheduler's lease on it ended; another scheduler may run it too",
                    describe(c.key()), c.kind().id(), c.tryNumber());
        }
    }

    /** The wait after a callback's {@code attempts}-th failed attempt: the first delay, doubling, 10 minutes at most. */
    private Duration callbackRetryDelay(int attempts) {
        Duration d = settings.callbackRetryDelay().multipliedBy(1L << Math.min(attempts - 1, 20));
        return d.compareTo(MAX_CALLBACK_RETRY_DELAY) > 0 ? MAX_CALLBACK_RETRY_DELAY : d;
    }

    /** Whether none of a run's callbacks waits for its first attempt or is being delivered. */
    private boolean callbacksDone(DagRun run) {
        return store.callbacks().forRun(run.dagId(), run.runId()).stream()
                .noneMatch(c -> c.status() == CallbackOutboxRepository.Status.PENDING && (c.attempts() == 0 || c.leaseUntil() != null));
    }

    // ---- database outages ------------------------------------------------------------------

    /** Enters (or stays in) the outage: logs once, then retries with backoff doubling from 1 s to 10 s. */
    private void unreachable(RuntimeException e) {
        backoff = backoff.isZero() ? Duration.ofSeconds(1)
                : backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        retryAtNanos = System.nanoTime() + backoff.toNanos();
        if (unreachableSince == null) {
            unreachableSince = clock.instant();
            LOG.warn("database unreachable, retrying in {} s ({}); running tries keep running, their results are held",
                    backoff.toSeconds(), ConnectionErrors.reason(e));
        }
        lastHeartbeat = Instant.MIN; // heartbeat first once back, before anything looks for zombies
    }

    /** Keeps the executor's events in memory until {@code wait} passes or {@link #wakeUp()} is called. */
    private void holdEvents(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            List<TaskEvent> events = executor.poll(Duration.ofNanos(left));
            if (events.isEmpty()) {
                return; // timed out, or woken up (a stop, a change)
            }
            pending.addAll(events);
        }
    }

    /**
     * The first loop after an outage: heartbeats this scheduler and its tries before any zombie
     * check (so its own live tries are not taken for zombies), gives other schedulers time to
     * heartbeat before judging them, and ends tries marked running for this scheduler that never
     * reached the executor (a start whose commit was cut off).
     */
    private void reconnected() {
        Instant now = clock.instant();
        judgeHeartbeatsAfter = now.plus(settings.heartbeat().multipliedBy(2)).plus(MAX_BACKOFF);
        maintain(now);
        for (TaskInstance ti : store.taskInstances().zombies(Instant.EPOCH, List.of(jobId))) {
            if (!inFlight.contains(new Try(ti.key(), ti.tryNumber()))
                    && pending.stream().noneMatch(e -> e.key().equals(ti.key()) && e.tryNumber() == ti.tryNumber())) {
                endZombie(ti, now, "it was marked running while the database connection broke, and never started");
            }
        }
        LOG.warn("database back after {} s", Math.max(0, Duration.between(unreachableSince, clock.instant()).toSeconds()));
        unreachableSince = null;
        backoff = Duration.ZERO;
    }

    /**
     * Stops: waits up to {@code grace} for running tries to report, then interrupts the rest and
     * records them as ended (up_for_retry or failed), so nothing is left looking alive.
     */
    public void shutdown(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (executor.running() > 0 && System.nanoTime() - deadline < 0) {
            apply(executor.poll(Duration.ofMillis(100)));
        }
        executor.close();
        apply(executor.poll(Duration.ZERO));
        handleZombies(clock.instant(), List.of(jobId));
    }

    @Override
    public void close() {
        callbacks.shutdown();
        try {
            if (!callbacks.awaitTermination(settings.callbackTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                callbacks.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.schedulerJobs().end(jobId, JobState.SUCCESS);
        } catch (RuntimeException e) {
            if (!ConnectionErrors.isConnectionLoss(e)) {
                throw e;
            }
            LOG.warn("database unreachable at stop ({}): scheduler job {} stays marked running until others see it stopped heartbeating",
                    ConnectionErrors.reason(e), jobId);
        }
    }

    /** A task instance as log lines name it: {@code dag.task (run id)}. */
    /** Logs with the run's (and task's, and try's when above 0) ids in the MDC: JSON logs show them as fields. */
    private static void withIds(String dagId, String runId, String taskId, int tryNumber, Runnable log) {
        MDC.put(LogFormat.DAG_ID, dagId);
        MDC.put(LogFormat.RUN_ID, runId);
        if (taskId != null) {
            MDC.put(LogFormat.TASK_ID, taskId);
        }
        if (tryNumber > 0) {
            MDC.put(LogFormat.TRY_NUMBER, Integer.toString(tryNumber));
        }
        try {
            log.run();
        } finally {
            MDC.remove(LogFormat.DAG_ID);
            MDC.remove(LogFormat.RUN_ID);
            MDC.remove(LogFormat.TASK_ID);
            MDC.remove(LogFormat.TRY_NUMBER);
        }
    }

    private static String describe(TaskKey k) {
        return k.dagId() + "." + k.taskId() + " (" + k.runId() + ")";
    }

    private static <T> T retrying(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (org.jooq.exception.DataAccessException e) {
                String state = e.sqlState();
                boolean transientError = "40P01".equals(state) || "40001".equals(state);
                if (!transientError || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

}
