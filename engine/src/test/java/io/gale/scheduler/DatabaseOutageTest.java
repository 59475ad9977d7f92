package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.dagbag.DagBag;
import io.gale.executor.LocalExecutor;
import io.gale.executor.TaskRunner;
import io.gale.store.Database;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.JooqStore;
import io.gale.store.NewDagRun;
import io.gale.store.Store;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.Await;
import io.gale.testing.MutableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler whose PostgreSQL stops while tries run: it does not fail, holds the end of a try
 * that finished meanwhile and records it once the server is back, does not take its own live
 * try for a zombie although the outage outlasted the zombie threshold, and ends a try marked
 * running for it that never reached its executor.
 */
class DatabaseOutageTest {

    @TempDir
    Path home;
    EmbeddedPostgres server;

    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    static final CountDownLatch FIRST = new CountDownLatch(1);
    static final CountDownLatch SECOND = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        FIRST.countDown();
        SECOND.countDown();
        if (server != null) {
            server.close();
        }
    }

    private static Object count(String taskId) {
        RUNS.computeIfAbsent(taskId, k -> new AtomicInteger()).incrementAndGet();
        return taskId;
    }

    private EmbeddedPostgres start(int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(home.resolve("pg")).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)).start();
    }

    @Test
    void endsHeldDuringAnOutageAreRecordedOnceAndLiveTriesAreNotZombies() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = start(port);
        try (Connection c = server.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("create database gale");
        }
        var dag = Dag.builder("outage");
        dag.task("ends_during", ctx -> {
            FIRST.await();
            return count("ends_during");
        });
        var spans = dag.task("spans", ctx -> {
            SECOND.await();
            return count("spans");
        });
        // downstream of a blocked task, so only the start this test records makes it run
        spans.then(dag.task("never_started", ctx -> count("never_started")).retries(1).retryDelay(Duration.ofSeconds(1)));
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));

        try (Database db = Database.external("jdbc:postgresql://localhost:" + port + "/gale", "postgres", null)) {
            db.migrate();
            Store store = new JooqStore(db);
            DagBag bag = DagBag.of(dag.build());
            io.gale.runtime.Engine engine = new io.gale.runtime.Engine(config, db, bag, clock, Map.of());
            engine.operations().syncDags(bag);
            try (LocalExecutor executor = new LocalExecutor(4, new TaskRunner(new io.gale.executor.StoreTaskServices(store), bag, home.resolve("work"), Map.of(), clock));
                 Scheduler scheduler = engine.newScheduler(executor, Scheduler.Settings.defaults().withCreateRuns(false)
                         .withHeartbeat(Duration.ofSeconds(1)).withZombieThreshold(Duration.ofSeconds(5)))) {
                Instant t = clock.instant();
                DagRun run = store.runs().create(new NewDagRun("outage", RunType.MANUAL.runId(t), RunType.MANUAL, t, t, t,
                        DagRunState.QUEUED, Map.of()));
                Scope scope = Scope.run("outage", run.runId());
                Await.until(Duration.ofSeconds(20), "both blocking tries to run",
                        () -> loop(scheduler, scope) && "running".equals(states(store, run).get("ends_during"))
                                && "running".equals(states(store, run).get("spans")));
                // a start committed for this scheduler that never reached its executor (its commit answer was lost)
                long jobId = store.schedulerJobs().running().get(0).id();
                TaskKey orphan = new TaskKey("outage", run.runId(), "never_started");
                store.transact(tx -> tx.taskInstances().markRunning(List.of(new Start(orphan, 1)), clock.instant(),
                        "this-host", ProcessHandle.current().pid(), jobId));

                server.close(); // fast shutdown: the scheduler's connections are cut
                server = null;
                FIRST.countDown(); // ends while the database is away
                Await.until(Duration.ofSeconds(20), "the try to end in the executor", () -> RUNS.containsKey("ends_during"));
                clock.advance(Duration.ofSeconds(30)); // the outage outlasts the zombie threshold
                for (int i = 0; i < 2; i++) {
                    assertThat(scheduler.runOnce(scope, Duration.ofMillis(50))).isFalse();
                }

                server = start(port);
                Await.until(Duration.ofSeconds(40), "the held end to be recorded",
                        () -> loop(scheduler, scope) && "success".equals(states(store, run).get("ends_during")));
                TaskInstance spanning = store.taskInstances().forRun("outage", run.runId()).stream()
                        .filter(ti -> ti.taskId().equals("spans")).findFirst().orElseThrow();
                assertThat(spanning.state().id()).as("a live try is no zombie after the outage").isEqualTo("running");
                assertThat(spanning.tryNumber()).isEqualTo(1);
                assertThat(store.logs().get(orphan, 1).orElse("")).contains("never started");

                clock.advance(Duration.ofSeconds(5)); // past the orphan's retry delay
                SECOND.countDown();
                Await.until(Duration.ofSeconds(30), "the run to succeed", () -> loop(scheduler, scope)
                        && store.runs().find("outage", run.runId()).orElseThrow().state() == DagRunState.SUCCESS);
                assertThat(states(store, run)).containsOnly(Map.entry("ends_during", "success"), Map.entry("spans", "success"),
                        Map.entry("never_started", "success"));
                assertThat(RUNS.get("ends_during")).hasValue(1);
                assertThat(RUNS.get("spans")).hasValue(1);
                assertThat(RUNS.get("never_started")).hasValue(1);
                assertThat(store.taskInstances().forRun("outage", run.runId()).stream()
                        .filter(ti -> !ti.taskId().equals("never_started")).map(TaskInstance::tryNumber)).containsOnly(1);
            }
        }
    }

    private static boolean loop(Scheduler scheduler, Scope scope) {
        try {
            scheduler.runOnce(scope, Duration.ofMillis(50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** The run's task states; none while this test's own pool is still reconnecting. */
    private static Map<String, String> states(Store store, DagRun run) {
        try {
            return store.taskInstances().forRun(run.dagId(), run.runId()).stream()
                    .collect(Collectors.toMap(TaskInstance::taskId, ti -> ti.state().id()));
        } catch (RuntimeException e) {
            assertThat(io.gale.store.ConnectionErrors.isConnectionLoss(e)).as("a connection error: %s", e).isTrue();
            return Map.of();
        }
    }
}
