package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.dagbag.DagBag;
import io.gale.edge.EdgeWorker;
import io.gale.edge.WorkerClient;
import io.gale.executor.TaskEvent;
import io.gale.scheduler.Scheduler;
import io.gale.store.EdgeRepository.WorkerState;
import io.gale.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote workers end to end: a scheduler with {@code GALE_EXECUTOR=edge} in this process, the web
 * server on a free port, and workers (in-process {@link EdgeWorker}s) talking to it over real
 * sockets with worker tokens.
 */
class EdgeWorkersTest {

    @TempDir
    Path home;

    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private EdgeFixture edge;
    private DagBag bag;

    /** Training tries running now, in this JVM's workers. */
    private static final java.util.concurrent.atomic.AtomicInteger TRAINING = new java.util.concurrent.atomic.AtomicInteger();

    private static void train() throws InterruptedException {
        TRAINING.incrementAndGet();
        try {
            io.gale.testing.Await.atMost(Duration.ofMillis(300), () -> TRAINING.get() >= 2);
        } finally {
            TRAINING.decrementAndGet();
        }
    }

    /** Six tasks on two queues; two of them share pool {@code solo} of one slot; XComs flow between them. */
    static Dag pipeline() {
        var dag = Dag.builder("edge_pipeline");
        var extract = dag.task("extract", ctx -> ctx.variable("source").orElse("none") + ":rows");
        var clean = dag.task("clean", ctx -> ctx.xcomPull("extract", String.class) + ":clean").after(extract);
        var trainA = dag.task("train_a", ctx -> {
            train(); // the work: until train_b runs beside it (were the pool not there), 300 ms at most
            ctx.trainingMetrics().epoch(1, java.util.Map.of("loss", 0.5), 0.3); // over the worker API
            return "model_a";
        }).queue("gpu").pool("solo").after(clean);
        var trainB = dag.task("train_b", ctx -> {
            train();
            return "model_b";
        }).queue("gpu").pool("solo").after(clean);
        var evaluate = dag.task("evaluate", ctx -> ctx.xcomPull("train_a", String.class) + "+" + ctx.xcomPull("train_b", String.class))
                .queue("gpu").after(trainA, trainB);
        dag.task("publish", ctx -> {
            ctx.log().line("publishing " + ctx.xcomPull("evaluate", String.class));
            return ctx.xcomPull("evaluate", String.class);
        }).after(evaluate);
        return dag.build();
    }

    /** One task whose first try blocks (until its worker is killed), the second succeeds. */
    static Dag lossy() {
        var dag = Dag.builder("edge_lossy");
        dag.task("slow", ctx -> {
            if (ctx.tryNumber() == 1) {
                NEVER.await(60, TimeUnit.SECONDS);
            }
            return "try " + ctx.tryNumber();
        }).queue("lossy").retries(1).retryDelay(Duration.ofSeconds(1))
                .onRetry((ctx, e) -> ctx.log().line("on_retry ran for try " + ctx.tryNumber() + ": " + e.getMessage()));
        return dag.build();
    }

    /** A task whose XCom is over the remote workers' limit. */
    static Dag big() {
        var dag = Dag.builder("edge_big");
        dag.task("huge", ctx -> "x".repeat(EdgeWorker.MAX_XCOM_CHARS + 1000));
        return dag.build();
    }

    static Dag locked() {
        var dag = Dag.builder("edge_locked");
        dag.task("guarded", ctx -> "ok").queue("locked");
        return dag.build();
    }

    @BeforeEach
    void start() {
        bag = DagBag.of(pipeline(), lossy(), locked(), big());
        edge = new EdgeFixture(home, bag, Map.of("GALE_ZOMBIE_THRESHOLD", "3"), ops -> {
            ops.pools().set("solo", 1, "one at a time");
            ops.setVariable("source", "github");
        }, Scheduler.Settings.defaults().withHeartbeat(Duration.ofSeconds(1)).withZombieThreshold(Duration.ofSeconds(30)));
    }

    @AfterEach
    void end() throws Exception {
        edge.close();
    }

    /** Each worker's metrics, by name (as `gale worker` serves them on GALE_METRICS_PORT). */
    private final Map<String, io.gale.metrics.Metrics> metrics = new java.util.HashMap<>();

    private EdgeWorker worker(String name, String... queues) {
        EdgeWorker w = new EdgeWorker(new EdgeWorker.Settings(List.of(queues), 2, Duration.ofMillis(300), Duration.ofMillis(100)),
                edge.client(name), bag, home.resolve("work-" + name), Map.of(), Clock.systemUTC(),
                metrics.computeIfAbsent(name, n -> io.gale.metrics.Metrics.prometheus()));
        return edge.started(w);
    }

    private DagRun trigger(String dagId) {
        return edge.engine.operations().trigger(dagId, Map.of(), null, null);
    }

    private DagRun awaitEnd(DagRun run, Duration timeout) {
        Await.until(timeout, "run " + run.runId() + " of " + run.dagId() + " to finish; tasks: "
                + edge.engine.store().taskInstances().forRun(run.dagId(), run.runId()), () ->
                edge.engine.store().runs().find(run.dagId(), run.runId()).orElseThrow().state().finished());
        return edge.engine.store().runs().find(run.dagId(), run.runId()).orElseThrow();
    }

    private String log(TaskKey key, int tryNumber) {
        return edge.engine.store().logs().get(key, tryNumber).orElse("");
    }

    @Test
    void twoWorkersRunADagOnTwoQueuesAndAPoolOfOneNeverRunsTwoOfItsTasksAtOnce() {
        EdgeWorker cpu = worker("w-cpu", "default");
        EdgeWorker gpu = worker("w-gpu", "gpu");
        DagRun run = awaitEnd(trigger("edge_pipeline"), Duration.ofSeconds(60));

        assertThat(run.state()).isEqualTo(DagRunState.SUCCESS);
        List<TaskInstance> tis = edge.engine.store().taskInstances().forRun("edge_pipeline", run.runId());
        assertThat(tis).hasSize(6).allSatisfy(ti -> assertThat(ti.state()).as(ti.taskId()).isEqualTo(TaskState.SUCCESS));
        for (TaskInstance ti : tis) {
            String expected = List.of("train_a", "train_b", "evaluate").contains(ti.taskId()) ? "w-gpu" : "w-cpu";
            assertThat(log(ti.key(), 1)).as("log of " + ti.taskId()).contains("Worker " + expected + " runs try 1")
                    .contains("Task ended success");
        }
        assertThat(cpu.started()).isEqualTo(3);
        // each worker counts the tries it ran
        assertThat(metrics.get("w-gpu").scrape()).contains("gale_task_duration_seconds_count{dag_id=\"edge_pipeline\",state=\"success\",task_id=\"train_a\"} 1");
        assertThat(metrics.get("w-cpu").scrape()).doesNotContain("task_id=\"train_a\"");
        assertThat(gpu.started()).isEqualTo(3);
        // XComs and variables went through the API both ways
        assertThat(edge.engine.store().xcoms().get(new TaskKey("edge_pipeline", run.runId(), "publish"), "return_value"))
                .contains("\"model_a+model_b\"");
        assertThat(edge.engine.store().xcoms().get(new TaskKey("edge_pipeline", run.runId(), "clean"), "return_value"))
                .contains("\"github:rows:clean\"");
        assertThat(log(new TaskKey("edge_pipeline", run.runId(), "publish"), 1)).contains("publishing model_a+model_b");
        assertThat(edge.engine.store().trainingMetrics().forRun("edge_pipeline", run.runId()))
                .singleElement().satisfies(c -> {
                    assertThat(c.taskId()).isEqualTo("train_a");
                    assertThat(c.epochs()).singleElement().satisfies(e -> assertThat(e.metrics()).containsEntry("loss", 0.5));
                });
        // pool solo (1 slot): train_a and train_b ran one after the other
        List<TaskInstance> pooled = tis.stream().filter(t -> t.taskId().startsWith("train_"))
                .sorted(Comparator.comparing(TaskInstance::startDate)).toList();
        Instant firstEnd = pooled.get(0).endDate();
        assertThat(pooled.get(1).startDate()).as("second pooled try starts after the first ended").isAfterOrEqualTo(firstEnd);
        assertThat(edge.engine.operations().workers().list()).extracting(w -> w.name() + ":" + w.state().id())
                .contains("w-cpu:running", "w-gpu:running");

        // an XCom over the limit fails the try with a message saying where large values go
        DagRun big = awaitEnd(trigger("edge_big"), Duration.ofSeconds(30));
        assertThat(big.state()).isEqualTo(DagRunState.FAILED);
        TaskKey huge = new TaskKey("edge_big", big.runId(), "huge");
        assertThat(edge.engine.store().xcoms().get(huge, "return_value")).isEmpty();
        assertThat(log(huge, 1)).contains("over the " + EdgeWorker.MAX_XCOM_CHARS + "-character limit").contains("artifact store");
    }

    @Test
    void aKilledWorkersTryIsRetriedElsewhereAndItsLateReportIsRefused() throws Exception {
        EdgeWorker doomed = worker("w-doomed", "lossy");
        DagRun run = trigger("edge_lossy");
        TaskKey key = new TaskKey("edge_lossy", run.runId(), "slow");
        Await.until(Duration.ofSeconds(30), "w-doomed to run try 1 and stream its first log lines", () ->
                doomed.running() == 1 && log(key, 1).contains("Starting try 1"));
        assertThat(edge.engine.store().taskInstances().find(key).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
        doomed.kill();
        EdgeWorker rescuer = worker("w-rescuer", "lossy");

        DagRun done = awaitEnd(run, Duration.ofSeconds(40));
        assertThat(done.state()).isEqualTo(DagRunState.SUCCESS);
        TaskInstance ti = edge.engine.store().taskInstances().find(key).orElseThrow();
        assertThat(ti.tryNumber()).isEqualTo(2);
        assertThat(rescuer.started()).isEqualTo(1);
        assertThat(log(key, 1)).contains("Worker w-doomed runs try 1").contains("was lost: its worker w-doomed stopped heartbeating");
        assertThat(log(key, 2)).contains("Worker w-rescuer runs try 2");
        Await.until(Duration.ofSeconds(10), "the on_retry callback of the lost try to run and log", () ->
                log(key, 1).contains("on_retry ran for try 1: Try 1 was lost"));
        assertThat(edge.engine.operations().workers().list()).filteredOn(w -> w.name().equals("w-doomed"))
                .singleElement().satisfies(w -> assertThat(w.state()).isEqualTo(WorkerState.LOST));

        // the lost worker comes back and reports its old try: refused, nothing changes
        WorkerClient late = edge.client("w-doomed");
        Instant now = Instant.now();
        assertThat(late.report(new TaskEvent(key, 1, TaskState.FAILED, "late", Map.of("return_value", "\"stale\""), "late line\n",
                now, now))).isFalse();
        assertThat(late.log(key, 1, "late line\n")).isFalse();
        TaskInstance after = edge.engine.store().taskInstances().find(key).orElseThrow();
        assertThat(after.state()).isEqualTo(TaskState.SUCCESS);
        assertThat(after.tryNumber()).isEqualTo(2);
        assertThat(edge.engine.store().xcoms().get(key, "return_value")).contains("\"try 2\"");
        assertThat(log(key, 1)).doesNotContain("late line");
    }

    @Test
    void aWorkerRestartedUnderItsNameLetsGoOfTheTriesItsOldProcessHeld() {
        EdgeWorker first = worker("w-again", "lossy");
        DagRun run = trigger("edge_lossy");
        TaskKey key = new TaskKey("edge_lossy", run.runId(), "slow");
        Await.until(Duration.ofSeconds(30), "w-again to run try 1", () -> first.running() == 1
                && log(key, 1).contains("Starting try 1"));
        first.kill();
        EdgeWorker second = worker("w-again", "lossy"); // restarted at once, well within the zombie threshold

        assertThat(awaitEnd(run, Duration.ofSeconds(30)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(second.started()).isEqualTo(1);
        assertThat(log(key, 1)).contains("was lost: its worker restarted without it");
        assertThat(log(key, 2)).contains("Worker w-again runs try 2");
    }

    @Test
    void wrongAndRevokedTokensGet401AndClaimNothingAndAnUnusedQueueIdlesQuietly() throws Exception {
        DagRun run = trigger("edge_locked");
        TaskKey key = new TaskKey("edge_locked", run.runId(), "guarded");
        Await.until(Duration.ofSeconds(30), "the try to be queued for workers", () ->
                edge.engine.store().taskInstances().find(key).map(t -> t.state() == TaskState.RUNNING).orElse(false));

        WorkerClient wrong = new WorkerClient(edge.url(), "intruder", "gale_wt_not-a-token");
        assertThatThrownBy(() -> wrong.claim(List.of("locked"), 5)).isInstanceOf(WorkerClient.TokenRefusedException.class)
                .hasMessageContaining("401").hasMessageNotContaining("not-a-token");
        String revoked = edge.engine.operations().workers().createToken("temp");
        WorkerClient before = new WorkerClient(edge.url(), "temp-worker", revoked);
        before.heartbeat(List.of("unrelated"), 1, 0, WorkerClient.Phase.STARTING); // the token works until revoked
        edge.engine.operations().workers().revokeToken("temp");
        WorkerClient after = new WorkerClient(edge.url(), "temp-worker", revoked);
        assertThatThrownBy(() -> after.claim(List.of("locked"), 5)).isInstanceOf(WorkerClient.TokenRefusedException.class);
        assertThatThrownBy(() -> new EdgeWorker(new EdgeWorker.Settings(List.of("locked"), 1, Duration.ofMillis(300), Duration.ofMillis(100)),
                after, bag, home.resolve("w"), Map.of(), Clock.systemUTC()).start())
                .isInstanceOf(WorkerClient.TokenRefusedException.class);

        // a worker of a queue no task uses idles: it heartbeats and claims nothing
        EdgeWorker idle = worker("w-idle", "nobody-uses-this");
        Instant registered = Instant.now();
        Await.until(Duration.ofSeconds(10), "w-idle to heartbeat again", () -> edge.engine.operations().workers().list().stream()
                .anyMatch(w -> w.name().equals("w-idle") && w.lastHeartbeat().isAfter(registered.plusMillis(400))));
        assertThat(idle.started()).isZero();
        assertThat(edge.engine.store().taskInstances().find(key).orElseThrow().state()).as("nothing claimed the guarded try")
                .isEqualTo(TaskState.RUNNING);
        assertThat(log(key, 1)).isEmpty();

        // the try was waiting all along: a worker with a valid token runs it
        worker("w-locked", "locked");
        assertThat(awaitEnd(run, Duration.ofSeconds(30)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(log(key, 1)).contains("Worker w-locked runs try 1");
    }
}
