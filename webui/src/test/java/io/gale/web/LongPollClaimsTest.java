package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.dagbag.DagBag;
import io.gale.edge.EdgeWorker;
import io.gale.edge.WorkerClient;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskWorkload;
import io.gale.scheduler.Scheduler;
import io.gale.store.ChangeListener;
import io.gale.store.EdgeRepository.WorkerState;
import io.gale.testing.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claims that wait for work (long polls) over real sockets: a scheduler with
 * {@code GALE_EXECUTOR=edge} in this process queues the tries, the web server holds waiting
 * claims until the database says a try was queued.
 */
class LongPollClaimsTest {

    @TempDir
    Path home;

    private EdgeFixture edge;
    private DagBag bag;

    static Dag longPoll() {
        var dag = Dag.builder("long_poll");
        dag.task("work", ctx -> "done").queue("lp");
        return dag.build();
    }

    @BeforeEach
    void start() {
        bag = DagBag.of(longPoll());
        edge = new EdgeFixture(home, bag, Map.of(), ops -> { }, Scheduler.Settings.defaults().withHeartbeat(Duration.ofSeconds(1)));
    }

    @AfterEach
    void end() throws Exception {
        edge.close();
    }

    /** Whether the web server listens for queued tries: it starts with its first waiting claim. */
    private boolean serverListens() {
        try (Connection c = edge.engine.operations().database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("select count(*) from pg_stat_activity where datname = current_database() and query = 'listen "
                     + ChangeListener.EDGE_JOBS + "'")) {
            return r.next() && r.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private DagRun awaitEnd(DagRun run, Duration timeout) {
        Await.until(timeout, "run " + run.runId() + " to finish; tasks: "
                + edge.engine.store().taskInstances().forRun(run.dagId(), run.runId()), () ->
                edge.engine.store().runs().find(run.dagId(), run.runId()).orElseThrow().state().finished());
        return edge.engine.store().runs().find(run.dagId(), run.runId()).orElseThrow();
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void aWaitingClaimIsAnsweredWithTheTryAsSoonAsItIsQueued() throws Exception {
        WorkerClient w = edge.client("w-wait");
        w.heartbeat(List.of("lp"), 1, 0, WorkerClient.Phase.STARTING);
        CompletableFuture<List<TaskWorkload>> claim = CompletableFuture.supplyAsync(() -> w.claim(List.of("lp"), 1, Duration.ofSeconds(20)));
        Await.until(Duration.ofSeconds(10), "the web server to hold the claim and listen for queued tries", this::serverListens);
        assertThat(claim).as("nothing is queued: the claim waits").isNotDone();

        long t0 = System.nanoTime();
        DagRun run = edge.engine.operations().trigger("long_poll", Map.of(), null, null);
        List<TaskWorkload> claimed = claim.get(10, TimeUnit.SECONDS); // well before its 20 s wait ends
        assertThat(since(t0)).isLessThan(Duration.ofSeconds(10));
        TaskKey key = new TaskKey("long_poll", run.runId(), "work");
        assertThat(claimed).singleElement().satisfies(t -> {
            assertThat(t.key()).isEqualTo(key);
            assertThat(t.tryNumber()).isEqualTo(1);
        });

        // the claimed try is this worker's, as with a claim answered at once: its report ends the run
        Instant now = Instant.now();
        assertThat(w.report(new TaskEvent(key, 1, TaskState.SUCCESS, null, Map.of(), "ran\n", now, now))).isTrue();
        assertThat(awaitEnd(run, Duration.ofSeconds(30)).state()).isEqualTo(DagRunState.SUCCESS);
    }

    @Test
    void aClaimWithNothingQueuedWaitsItsWaitAndAClaimWithoutAWaitOrWithAWrongTokenIsAnsweredAtOnce() {
        WorkerClient w = edge.client("w-idle");
        w.heartbeat(List.of("lp"), 4, 0, WorkerClient.Phase.STARTING);

        long t0 = System.nanoTime();
        assertThat(w.claim(List.of("lp"), 4, Duration.ofMillis(1500))).isEmpty();
        assertThat(since(t0)).as("a claim that may wait 1.5 s for work").isBetween(Duration.ofMillis(1400), Duration.ofSeconds(10));

        long t1 = System.nanoTime();
        assertThat(w.claim(List.of("lp"), 4)).as("a claim as workers before long polls send it").isEmpty();
        assertThat(since(t1)).isLessThan(Duration.ofMillis(1000));

        WorkerClient intruder = new WorkerClient(edge.url(), "intruder", "gale_wt_not-a-token");
        long t2 = System.nanoTime();
        assertThatThrownBy(() -> intruder.claim(List.of("lp"), 4, Duration.ofSeconds(20)))
                .isInstanceOf(WorkerClient.TokenRefusedException.class).hasMessageNotContaining("not-a-token");
        assertThat(since(t2)).as("a wrong token is refused before any wait").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anIdleWorkerStartsATryAsSoonAsItIsQueuedAndStopsPromptlyWhileItsClaimWaits() throws Exception {
        // claims that find nothing at once would be 10 s apart (the idle poll): only a waiting claim is this quick
        EdgeWorker w = new EdgeWorker(new EdgeWorker.Settings(List.of("lp"), 2, Duration.ofMillis(300), Duration.ofSeconds(10),
                Duration.ofSeconds(20)), edge.client("w-long"), bag, home.resolve("work-long"), Map.of(), Clock.systemUTC());
        edge.started(w);
        Await.until(Duration.ofSeconds(10), "the worker's claim to wait", this::serverListens);

        DagRun run = edge.engine.operations().trigger("long_poll", Map.of(), null, null);
        assertThat(awaitEnd(run, Duration.ofSeconds(7)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(w.started()).isEqualTo(1);
        assertThat(edge.engine.store().logs().get(new TaskKey("long_poll", run.runId(), "work"), 1).orElse(""))
                .contains("Worker w-long runs try 1");

        long t0 = System.nanoTime();
        w.stop(Duration.ofSeconds(5)); // its claim waits (up to 20 s) for the next try
        assertThat(since(t0)).as("stopping while a claim waits").isLessThan(Duration.ofSeconds(3));
        assertThat(edge.engine.operations().workers().list()).filteredOn(x -> x.name().equals("w-long")).singleElement()
                .satisfies(x -> assertThat(x.state()).isEqualTo(WorkerState.STOPPED));

        // a try queued after it stopped is not claimed for it: the next worker runs it
        DagRun next = edge.engine.operations().trigger("long_poll", Map.of(), null, null);
        EdgeWorker other = new EdgeWorker(new EdgeWorker.Settings(List.of("lp"), 1, Duration.ofMillis(300), Duration.ofMillis(100)),
                edge.client("w-next"), bag, home.resolve("work-next"), Map.of(), Clock.systemUTC());
        edge.started(other);
        assertThat(awaitEnd(next, Duration.ofSeconds(30)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(w.started()).isEqualTo(1);
        assertThat(other.started()).isEqualTo(1);
    }
}
