package io.gale.scheduler;

import io.gale.api.Dag;
import io.gale.api.Task;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RetryDelay;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.core.TriggerRules;
import io.gale.dagbag.DagBag;
import io.gale.dagbag.LoadedDag;
import io.gale.executor.Executor;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskWorkload;
import io.gale.store.Store;
import io.gale.store.TaskInstanceRepository.NewTask;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Drives DAG runs to completion. Each {@link #runOnce} records finished tries, advances every
 * active run the filter accepts (one transaction per run), and hands ready tries to the executor;
 * when nothing is ready it blocks until a try ends or a retry falls due.
 */
public final class Scheduler {

    private final Store store;
    private final DagBag dags;
    private final Executor executor;
    private final Clock clock;
    private final String hostname;
    private final long pid = ProcessHandle.current().pid();
    private volatile Instant nextWakeup;

    public Scheduler(Store store, DagBag dags, Executor executor, Clock clock) {
        this.store = store;
        this.dags = dags;
        this.executor = executor;
        this.clock = clock;
        this.hostname = hostname();
    }

    /**
     * One pass over the runs {@code runs} accepts; waits up to {@code maxWait} for an event when
     * the pass changed nothing. Returns true when anything changed.
     */
    public boolean runOnce(Predicate<DagRun> runs, Duration maxWait) throws InterruptedException {
        boolean progressed = apply(executor.poll(Duration.ZERO));
        progressed |= advanceRuns(runs);
        if (!progressed) {
            Duration wait = maxWait;
            Instant due = nextWakeup;
            if (due != null) {
                Duration untilDue = Duration.between(clock.instant(), due);
                wait = untilDue.isNegative() ? Duration.ZERO : untilDue.compareTo(wait) < 0 ? untilDue : wait;
            }
            progressed = apply(executor.poll(wait.isZero() ? Duration.ofMillis(1) : wait));
        }
        return progressed;
    }

    /** Runs {@code run} until it finishes or {@code timeout} passes; returns its final state. */
    public DagRun runToCompletion(DagRun run, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Predicate<DagRun> only = r -> r.dagId().equals(run.dagId()) && r.runId().equals(run.runId());
        while (true) {
            runOnce(only, Duration.ofMillis(200));
            DagRun current = store.runs().find(run.dagId(), run.runId()).orElseThrow();
            if (current.state().finished() && executor.running() == 0) {
                return current;
            }
            if (Instant.now().isAfter(deadline)) {
                return current;
            }
        }
    }

    /** The earliest retry time of a task waiting to retry, or null. */
    public Instant nextWakeup() {
        return nextWakeup;
    }

    /** Records finished tries: state, XComs and log of each, in one transaction. */
    boolean apply(List<TaskEvent> events) {
        if (events.isEmpty()) {
            return false;
        }
        store.transact(tx -> {
            for (TaskEvent e : events) {
                applyOne(tx, e);
            }
        });
        return true;
    }

    private void applyOne(Store tx, TaskEvent e) {
        TaskKey key = e.key();
        tx.logs().put(key, e.tryNumber(), e.log());
        Optional<TaskInstance> current = tx.taskInstances().find(key);
        if (current.isEmpty()) {
            return;
        }
        TaskInstance ti = current.get();
        if (ti.state() == TaskState.RESTARTING) {
            tx.xcoms().deleteAll(key);
            tx.taskInstances().setState(key, TaskState.NONE, e.end());
            return;
        }
        if (ti.state() != TaskState.RUNNING || ti.tryNumber() != e.tryNumber()) {
            return; // changed by someone else meanwhile (cleared, marked): keep their decision
        }
        e.xcoms().forEach((k, json) -> tx.xcoms().put(key, k, json));
        Instant nextRetry = null;
        if (e.state() == TaskState.UP_FOR_RETRY) {
            Task task = dags.get(key.dagId()).map(d -> d.dag().task(key.taskId())).orElse(null);
            Instant logical = tx.runs().find(key.dagId(), key.runId()).map(DagRun::logicalDate).orElse(e.end());
            Duration delay = task == null ? Task.DEFAULT_RETRY_DELAY
                    : RetryDelay.of(task.retryDelay(), task.retryExponentialBackoff(), task.maxRetryDelay(),
                    key.dagId(), key.taskId(), logical, e.tryNumber());
            nextRetry = e.end().plus(delay);
        }
        tx.taskInstances().finishTry(key, e.state(), e.end(), nextRetry);
    }

    private boolean advanceRuns(Predicate<DagRun> filter) {
        List<DagRun> active = store.runs().active().stream().filter(filter).toList();
        if (active.isEmpty()) {
            nextWakeup = null;
            return false;
        }
        Map<String, Integer> activeTasks = new HashMap<>(store.taskInstances().countActiveByDag());
        Map<String, Long> runningRuns = active.stream().filter(r -> r.state() == DagRunState.RUNNING)
                .collect(Collectors.groupingBy(DagRun::dagId, Collectors.counting()));
        boolean progressed = false;
        Instant wake = null;
        for (DagRun run : active) {
            Optional<LoadedDag> loaded = dags.get(run.dagId());
            if (loaded.isEmpty()) {
                continue; // its file is broken or gone; the run waits for it to come back
            }
            Dag dag = loaded.get().dag();
            if (run.state() == DagRunState.QUEUED) {
                if (runningRuns.getOrDefault(run.dagId(), 0L) >= dag.maxActiveRuns()) {
                    continue;
                }
                runningRuns.merge(run.dagId(), 1L, Long::sum);
            }
            Advance a = store.transaction(tx -> advance(tx, run, dag, activeTasks));
            progressed |= a.changed();
            if (a.wake() != null && (wake == null || a.wake().isBefore(wake))) {
                wake = a.wake();
            }
            for (TaskWorkload w : a.toStart()) {
                executor.submit(w);
            }
        }
        nextWakeup = wake;
        return progressed;
    }

    private record Advance(boolean changed, List<TaskWorkload> toStart, Instant wake) {
    }

    private Advance advance(Store tx, DagRun run, Dag dag, Map<String, Integer> activeTasks) {
        Instant now = clock.instant();
        boolean changed = false;
        DagRun current = run;
        if (run.state() == DagRunState.QUEUED) {
            tx.runs().setState(run.dagId(), run.runId(), DagRunState.RUNNING, now);
            current = tx.runs().find(run.dagId(), run.runId()).orElseThrow();
            changed = true;
        }
        Map<String, TaskInstance> tis = new HashMap<>();
        for (TaskInstance ti : tx.taskInstances().forRun(run.dagId(), run.runId())) {
            tis.put(ti.taskId(), ti);
        }
        if (!tis.keySet().containsAll(dag.tasks().keySet())) {
            List<NewTask> missing = dag.tasks().values().stream().filter(t -> !tis.containsKey(t.id()))
                    .map(t -> new NewTask(t.id(), t.retries() + 1, t.operatorName())).toList();
            tx.taskInstances().createMissing(run.dagId(), run.runId(), missing);
            tx.taskInstances().forRun(run.dagId(), run.runId()).forEach(ti -> tis.put(ti.taskId(), ti));
            changed = true;
        }
        Map<String, TaskState> states = new HashMap<>();
        tis.forEach((id, ti) -> states.put(id, ti.state()));
        for (TaskInstance ti : tis.values()) {
            if (!dag.tasks().containsKey(ti.taskId()) && !ti.state().finished()) {
                tx.taskInstances().setState(ti.key(), TaskState.REMOVED, now);
                states.put(ti.taskId(), TaskState.REMOVED);
                changed = true;
            }
        }
        List<TaskWorkload> toStart = new ArrayList<>();
        Instant wake = null;
        int slots = executor.openSlots();
        for (String taskId : dag.topologicalOrder()) {
            TaskInstance ti = tis.get(taskId);
            TaskState state = states.get(taskId);
            if (state == TaskState.UP_FOR_RETRY && ti.nextRetryAt() != null && ti.nextRetryAt().isAfter(now)) {
                wake = wake == null || ti.nextRetryAt().isBefore(wake) ? ti.nextRetryAt() : wake;
                continue;
            }
            if (state != TaskState.NONE && state != TaskState.SCHEDULED && state != TaskState.UP_FOR_RETRY) {
                continue;
            }
            Task task = dag.task(taskId);
            var decision = state == TaskState.UP_FOR_RETRY ? TriggerRules.Decision.RUN
                    : TriggerRules.evaluate(task.triggerRule(), TriggerRules.Counts.of(
                    task.upstreamIds().stream().map(states::get).toList()));
            switch (decision) {
                case SKIP, UPSTREAM_FAILED -> {
                    TaskState s = decision == TriggerRules.Decision.SKIP ? TaskState.SKIPPED : TaskState.UPSTREAM_FAILED;
                    tx.taskInstances().setState(ti.key(), s, now);
                    states.put(taskId, s);
                    changed = true;
                }
                case RUN -> {
                    int dagActive = activeTasks.getOrDefault(run.dagId(), 0);
                    if (slots <= 0 || dagActive >= dag.maxActiveTasks()) {
                        continue;
                    }
                    int tryNumber = ti.tryNumber() + 1;
                    int maxTries = Math.max(ti.maxTries(), tryNumber);
                    tx.xcoms().deleteAll(ti.key());
                    tx.taskInstances().markRunning(ti.key(), tryNumber, now, hostname, pid);
                    states.put(taskId, TaskState.RUNNING);
                    toStart.add(new TaskWorkload(dag, task, current, tryNumber, maxTries));
                    activeTasks.put(run.dagId(), dagActive + 1);
                    slots--;
                    changed = true;
                }
                case WAIT -> { }
            }
        }
        if (states.values().stream().allMatch(TaskState::finished) && toStart.isEmpty()) {
            boolean failed = dag.leafIds().stream().map(states::get)
                    .anyMatch(s -> s == TaskState.FAILED || s == TaskState.UPSTREAM_FAILED);
            tx.runs().setState(run.dagId(), run.runId(), failed ? DagRunState.FAILED : DagRunState.SUCCESS, now);
            changed = true;
        }
        return new Advance(changed, toStart, wake);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
