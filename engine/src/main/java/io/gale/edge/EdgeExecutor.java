package io.gale.edge;

import io.gale.core.Json;
import io.gale.core.ProcessIdentity;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.Executor;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskWorkload;
import io.gale.store.EdgeRepository;
import io.gale.store.EdgeRepository.Lost;
import io.gale.store.EdgeRepository.NewJob;
import io.gale.store.EdgeRepository.Orphan;
import io.gale.store.EdgeRepository.Report;
import io.gale.store.Store;
import io.gale.store.TaskInstanceRepository.ProcessGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GALE_EXECUTOR=edge}: runs tries on remote workers ({@code gale worker}), as Airflow 3's
 * edge executor does. A submitted try becomes a queued {@code edge_job} row in its task's queue;
 * a worker serving that queue claims it over the HTTP API, runs it and reports its end, which
 * {@link #poll} hands to the scheduler (that records it). Tries held by a worker that stops
 * heartbeating for the zombie threshold are reported ended (up_for_retry while tries remain,
 * else failed, with the reason in the try's log), so they are retried per their retry policy;
 * the lost worker's late reports are refused by the API. When a scheduler dies, the scheduler
 * that finds its tries {@link #adopt adopts} their rows (queued, on a worker, or reported and not
 * yet recorded), so a try a worker runs or ran is neither lost nor run again.
 */
public final class EdgeExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeExecutor.class);
    /** How often reports are looked for while tries are out. */
    private static final Duration REPORT_POLL = Duration.ofMillis(100);
    private static final Object WAKE_UP = new Object();

    private record Try(TaskKey key, int number) {
    }

    private final Store store;
    private final Clock clock;
    private final int parallelism;
    private final Duration lostAfter;
    private final Duration sweepEvery;
    private final String instance;
    private volatile String owner;
    private final Set<Try> out = ConcurrentHashMap.newKeySet();
    private final List<NewJob> toQueue = new ArrayList<>();
    private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>();
    private Instant nextSweep = Instant.MIN;
    private Instant lastSweep;
    /** Workers are judged by their heartbeats only from then on: a threshold after this executor starts or the database comes back. */
    private Instant judgeWorkersAfter;

    /**
     * @param parallelism how many tries this executor has out (queued or on workers) at once
     * @param lostAfter   a worker silent this long is lost (the zombie threshold)
     * @param sweepEvery  how often lost workers and stale rows are looked for (the heartbeat)
     */
    public EdgeExecutor(Store store, Clock clock, int parallelism, Duration lostAfter, Duration sweepEvery) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.store = store;
        this.clock = clock;
        this.parallelism = parallelism;
        this.lostAfter = lostAfter;
        this.sweepEvery = sweepEvery;
        ProcessIdentity me = ProcessIdentity.current();
        this.instance = me.hostname() + ":" + me.pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
        this.owner = "0:" + instance;
        this.judgeWorkersAfter = clock.instant().plus(lostAfter);
    }

    /**
     * The name this executor's rows carry in {@code edge_job.owner}: {@code SCHEDULER_JOB_ID:HOST:PID:ID},
     * so the scheduler that finds this one's scheduler dead can take its rows over.
     */
    public String owner() {
        return owner;
    }

    @Override
    public synchronized void start(long schedulerJobId) {
        owner = schedulerJobId + ":" + instance;
    }

    /**
     * Takes over the rows of {@code orphans} that an executor of their dead scheduler still owns:
     * queued tries stay queued, tries on workers run on, reports wait for this executor.
     */
    @Override
    public List<TaskKey> adopt(List<TaskInstance> orphans) {
        List<Orphan> mine = orphans.stream().filter(o -> o.schedulerId() != null)
                .map(o -> new Orphan(o.key(), o.tryNumber(), o.schedulerId())).toList();
        List<TaskKey> adopted = store.edge().adopt(mine, owner);
        Map<TaskKey, Integer> tries = new java.util.HashMap<>();
        orphans.forEach(o -> tries.put(o.key(), o.tryNumber()));
        adopted.forEach(k -> out.add(new Try(k, tries.get(k))));
        if (!adopted.isEmpty()) {
            LOG.info("Adopted {} tries on workers from a scheduler that stopped", adopted.size());
            wakeUp();
        }
        return adopted;
    }

    @Override
    public synchronized void submit(TaskWorkload w) {
        out.add(new Try(w.key(), w.tryNumber()));
        toQueue.add(new NewJob(w.key(), w.tryNumber(), w.maxTries(), w.task().queue(), owner, Json.write(w)));
    }

    @Override
    public int openSlots() {
        return parallelism - out.size();
    }

    @Override
    public int running() {
        return out.size();
    }

    @Override
    public List<TaskEvent> poll(Duration timeout) throws InterruptedException {
        List<TaskEvent> events = collect();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            long wait = out.isEmpty() ? left : Math.min(left, REPORT_POLL.toNanos());
            Object woken = wake.poll(wait, TimeUnit.NANOSECONDS);
            events = collect();
            if (woken == WAKE_UP) {
                break;
            }
        }
        return events;
    }

    /** Queues what was submitted, then takes the stored reports and, now and then, the tries of lost workers. */
    private List<TaskEvent> collect() {
        List<NewJob> jobs;
        synchronized (this) {
            jobs = List.copyOf(toQueue);
        }
        if (!jobs.isEmpty()) {
            store.edge().enqueue(jobs, clock.instant()); // kept to try again if the database is away
            synchronized (this) {
                toQueue.subList(0, jobs.size()).clear();
            }
        }
        List<TaskEvent> events = new ArrayList<>();
        if (!out.isEmpty()) {
            for (Report r : store.edge().takeReports(owner)) {
                TaskEvent e = Json.read(r.event(), TaskEvent.class);
                events.add(e);
                out.remove(new Try(r.key(), r.tryNumber()));
            }
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextSweep)) {
            nextSweep = now.plus(sweepEvery);
            events.addAll(sweep(now));
        }
        return events;
    }

    /** Ends the tries of lost workers, and forgets tries whose task instance moved on (cleared before a worker took them). */
    private List<TaskEvent> sweep(Instant now) {
        Duration away = lostAfter.dividedBy(2).compareTo(sweepEvery.multipliedBy(3)) > 0 ? lostAfter.dividedBy(2) : sweepEvery.multipliedBy(3);
        if (lastSweep != null && Duration.between(lastSweep, now).compareTo(away) > 0) {
            // this executor could not look for a while (the database was away): neither could workers heartbeat
            judgeWorkersAfter = now.plus(lostAfter);
        }
        lastSweep = now;
        boolean judge = !now.isBefore(judgeWorkersAfter);
        Instant stale = judge ? now.minus(lostAfter) : Instant.EPOCH; // before that, only tries of restarted workers are lost
        EdgeRepository edge = store.edge();
        if (judge) {
            for (String w : edge.markLost(stale)) {
                LOG.warn("Worker {} is lost: no heartbeat for {} s", w, lostAfter.toSeconds());
            }
        }
        List<TaskEvent> events = new ArrayList<>();
        for (Lost l : edge.takeLost(owner, stale)) {
            TaskState state = l.tryNumber() < l.maxTries() ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
            String message = "Try " + l.tryNumber() + " was lost: " + (l.worker() == null ? "its worker restarted without it"
                    : "its worker " + l.worker() + " stopped heartbeating for " + lostAfter.toSeconds() + " s") + "; marked " + state.id();
            LOG.warn("Task {}.{} ({}) {}", l.key().dagId(), l.key().taskId(), l.key().runId(), message);
            store.logs().append(l.key(), l.tryNumber(), "[" + now + "] ERROR - " + message + "\n");
            events.add(new TaskEvent(l.key(), l.tryNumber(), state, message, Map.of(), null, null, now));
            out.remove(new Try(l.key(), l.tryNumber()));
        }
        for (EdgeRepository.Claimed gone : edge.deleteStale(owner)) {
            // the scheduler sees the task instance moved on (a cleared try goes back to none)
            events.add(new TaskEvent(gone.key(), gone.tryNumber(), TaskState.FAILED, "cleared before a worker took it",
                    Map.of(), null, null, now));
            out.remove(new Try(gone.key(), gone.tryNumber()));
        }
        int ended = edge.deleteEnded();
        if (ended > 0) {
            LOG.debug("Deleted {} edge_job rows of tries that ended (recorded reports, a dead scheduler's zombies)", ended);
        }
        forgetUnowned(edge);
        return events;
    }

    /**
     * Forgets tries this executor counts but no longer has a row for (another scheduler took it
     * over while this one was thought dead, or it was deleted once its try ended), so their slots
     * are free again. The scheduler that owns each row reports its end; nothing is reported here.
     */
    private void forgetUnowned(EdgeRepository edge) {
        Set<Try> counted;
        synchronized (this) {
            if (!toQueue.isEmpty()) {
                return; // looked at again at the next sweep, once everything submitted is stored
            }
            counted = Set.copyOf(out);
        }
        if (counted.isEmpty()) {
            return;
        }
        Set<Try> rows = new java.util.HashSet<>();
        for (EdgeRepository.Claimed c : edge.owned(owner)) {
            rows.add(new Try(c.key(), c.tryNumber()));
        }
        for (Try t : counted) {
            if (!rows.contains(t)) {
                LOG.warn("Task {}.{} ({}) try {}: its edge_job row is no longer this executor's; forgotten here",
                        t.key().dagId(), t.key().taskId(), t.key().runId(), t.number());
                out.remove(t);
            }
        }
    }

    @Override
    public List<ProcessGroup> processGroups() {
        return List.of();
    }

    @Override
    public void wakeUp() {
        wake.add(WAKE_UP);
    }

    @Override
    public void close() {
        // queued rows stay: their task instances are ended by the scheduler's shutdown, so no worker claims them
    }
}
