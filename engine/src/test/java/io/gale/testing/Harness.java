package io.gale.testing;

import io.gale.api.Dag;
import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.core.TaskInstance;
import io.gale.dagbag.DagBag;
import io.gale.executor.LocalExecutor;
import io.gale.executor.TaskRunner;
import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.NewDagRun;
import io.gale.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A fresh migrated database, a bag of DAGs, a settable clock, a local executor and a scheduler:
 * runs a DAG to the end, jumping the clock over retry delays.
 */
public final class Harness implements AutoCloseable {

    public final Database db;
    public final Store store;
    public final DagBag bag;
    public final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    public final LocalExecutor executor;
    public final Scheduler scheduler;
    public final Path home;
    /** What this harness's tasks count ({@link io.gale.api.TaskContext#increment}), in Prometheus' format. */
    public final io.gale.metrics.Metrics metrics = io.gale.metrics.Metrics.prometheus();

    public Harness(Path home, Dag... dags) {
        this.home = home;
        this.db = TestDatabase.fresh();
        this.store = new JooqStore(db);
        this.bag = DagBag.of(dags);
        this.executor = new LocalExecutor(4, new TaskRunner(new io.gale.executor.StoreTaskServices(store,
                (dagId, runId, conf) -> client().triggerFromTask(dagId, runId, conf)), bag, home.resolve("work"), Map.of(), clock, metrics));
        client().syncDags(bag);
        this.scheduler = engine().newScheduler(executor, Scheduler.Settings.defaults().withCreateRuns(false));
    }

    /** The composition root over this harness's database, DAGs and clock. */
    public Engine engine() {
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));
        return new Engine(config, db, bag, clock, Map.of());
    }

    /** The operations API over this harness's database and clock. */
    public Operations client() {
        return engine().operations();
    }

    public DagRun trigger(String dagId, Map<String, Object> conf) {
        Instant t = clock.instant();
        DagRun run = store.runs().create(new NewDagRun(dagId, RunType.MANUAL.runId(t), RunType.MANUAL, t, t, t,
                DagRunState.QUEUED, conf));
        scheduler.wakeUp(); // as the operations API's notification would
        return run;
    }

    /**
     * Runs until the run finishes and each of its callbacks has been attempted once; a retry delay
     * is skipped by moving the clock to the retry time.
     */
    public DagRun runToEnd(DagRun run) throws InterruptedException {
        var only = io.gale.store.DagRunRepository.Scope.run(run.dagId(), run.runId());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            boolean progressed = scheduler.runOnce(only, Duration.ofMillis(50));
            DagRun now = store.runs().find(run.dagId(), run.runId()).orElseThrow();
            if (now.state().finished() && executor.running() == 0 && callbacksAttempted(now)) {
                return now;
            }
            if (!progressed && executor.running() == 0 && scheduler.nextWakeup() != null) {
                clock.set(scheduler.nextWakeup());
            }
        }
        throw new AssertionError("run " + run.runId() + " did not finish in 60 s");
    }

    /** Whether every callback of the run has been attempted at least once and none is being delivered. */
    public boolean callbacksAttempted(DagRun run) {
        return store.callbacks().forRun(run.dagId(), run.runId()).stream()
                .allMatch(c -> c.attempts() > 0 && c.leaseUntil() == null);
    }

    public Map<String, String> states(DagRun run) {
        return store.taskInstances().forRun(run.dagId(), run.runId()).stream()
                .collect(Collectors.toMap(TaskInstance::taskId, t -> t.state().id()));
    }

    public TaskInstance ti(DagRun run, String taskId) {
        return store.taskInstances().forRun(run.dagId(), run.runId()).stream()
                .filter(t -> t.taskId().equals(taskId)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        executor.close();
        scheduler.close();
        db.close();
    }
}
