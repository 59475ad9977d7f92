package io.gale.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.ProcessIdentity;
import io.gale.core.RunKey;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.TaskEvent;
import io.gale.scheduler.Scheduler;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.EdgeRepository.Claimed;
import io.gale.store.EdgeRepository.NewJob;
import io.gale.store.EdgeRepository.WorkerState;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.Harness;
import io.gale.core.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler using the edge executor dies while its tries are queued, on a worker, or reported
 * and handed to it but not recorded: the scheduler that finds it dead takes their {@code edge_job}
 * rows over, so every try ends once, by its first execution (real PostgreSQL).
 */
class EdgeAdoptionTest {

    private static final String DAG = "handover";

    @TempDir
    Path home;

    private static Dag dag() {
        var dag = Dag.builder(DAG);
        for (String id : List.of("queued", "held", "reported", "ended")) {
            dag.task(id, ctx -> id).retries(2);
        }
        return dag.build();
    }

    private record Setup(DagRun run, long deadScheduler, EdgeExecutor dead) {
    }

    /**
     * A run whose four tries a scheduler (another process, now dead) started on the edge executor:
     * "queued" waits for a worker, "held" runs on worker w1, "reported" ran on w1 and its success
     * was handed to the dead scheduler, which died before recording it; "ended" was ended as a
     * zombie already while its row waited (a row nobody will claim).
     */
    private Setup deadSchedulersTries(Harness h) {
        DagRun run = h.trigger(DAG, Map.of());
        long other = h.store.schedulerJobs().register(
                new ProcessIdentity(UUID.randomUUID(), "other-host", "another-boot", 4242, null), h.clock.instant());
        EdgeExecutor dead = new EdgeExecutor(h.store, h.clock, 8, Duration.ofSeconds(30), Duration.ofSeconds(1));
        dead.start(other);
        h.store.transact(tx -> {
            tx.runs().setState(DAG, run.runId(), DagRunState.RUNNING, h.clock.instant());
            tx.taskInstances().createMissing(Map.of(new RunKey(DAG, run.runId()), List.of(new NewTask("queued", 3, "lambda"),
                    new NewTask("held", 3, "lambda"), new NewTask("reported", 3, "lambda"), new NewTask("ended", 3, "lambda"))));
            tx.taskInstances().markRunning(List.of(start(run, "held"), start(run, "reported"), start(run, "queued"), start(run, "ended")),
                    h.clock.instant(), "other-host", 4242, other);
        });
        Instant t = h.clock.instant();
        h.store.edge().enqueue(List.of(job(run, "held", dead), job(run, "reported", dead)), t);
        h.store.edge().enqueue(List.of(job(run, "queued", dead), job(run, "ended", dead)), t.plusMillis(1));
        h.store.edge().heartbeat("w1", List.of("default"), 2, 0, WorkerState.RUNNING, t);
        List<Claimed> claimed = h.store.edge().claim("w1", List.of("default"), 2, t);
        assertThat(claimed).extracting(c -> c.key().taskId()).containsExactlyInAnyOrder("held", "reported");
        assertThat(h.store.edge().report("w1", key(run, "reported"), 1, Json.write(success(run, "reported", t)))).isTrue();
        assertThat(h.store.edge().takeReports(dead.owner())).as("handed to the dead scheduler").hasSize(1);
        h.store.taskInstances().finishTries(List.of(new io.gale.store.TaskInstanceRepository.Finish(key(run, "ended"), 1,
                TaskState.UP_FOR_RETRY, t, t.plusSeconds(3600))));
        return new Setup(run, other, dead);
    }

    private static Start start(DagRun run, String task) {
        return new Start(key(run, task), 1);
    }

    private static TaskKey key(DagRun run, String task) {
        return new TaskKey(DAG, run.runId(), task);
    }

    private static NewJob job(DagRun run, String task, EdgeExecutor owner) {
        return new NewJob(key(run, task), 1, 3, "default", owner.owner(), "{}");
    }

    private static TaskEvent success(DagRun run, String task, Instant at) {
        return new TaskEvent(key(run, task), 1, TaskState.SUCCESS, null, Map.of("return_value", "\"" + task + "\""), null, at, at);
    }

    @Test
    void theSchedulerThatFindsAnotherDeadTakesOverItsQueuedHeldAndReportedTriesAndNothingRunsTwice() throws Exception {
        try (Harness h = new Harness(home, dag())) {
            Setup s = deadSchedulersTries(h);
            DagRun run = s.run();
            EdgeExecutor edge = new EdgeExecutor(h.store, h.clock, 8, Duration.ofSeconds(30), Duration.ofSeconds(1));
            try (Scheduler scheduler = h.engine().newScheduler(edge,
                    Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30)))) {
                assertThat(edge.owner()).as("the owner names the scheduler job").doesNotStartWith(s.deadScheduler() + ":");
                h.clock.advance(Duration.ofSeconds(61)); // the dead scheduler's heartbeat is stale
                h.store.edge().heartbeat("w1", List.of("default"), 2, 1, WorkerState.RUNNING, h.clock.instant()); // w1 lives
                Scope only = Scope.run(DAG, run.runId());
                scheduler.runOnce(only, Duration.ofMillis(10));

                for (String task : List.of("queued", "held")) {
                    TaskInstance ti = h.ti(run, task);
                    assertThat(ti.state()).as(task).isEqualTo(TaskState.RUNNING);
                    assertThat(ti.schedulerId()).as(task).isNotEqualTo(s.deadScheduler()).isNotNull();
                }
                assertThat(h.store.edge().owned(edge.owner())).extracting(c -> c.key().taskId())
                        .as("the dead scheduler's rows are the new executor's; the ended try's row is gone after a sweep")
                        .contains("queued", "held");
                assertThat(h.store.edge().owned(s.dead().owner())).isEmpty();

                // the report the dead scheduler took and never recorded is recorded now, once
                for (int i = 0; i < 20 && h.ti(run, "reported").state() == TaskState.RUNNING; i++) {
                    scheduler.runOnce(only, Duration.ofMillis(50));
                }
                assertThat(h.ti(run, "reported").state()).isEqualTo(TaskState.SUCCESS);
                assertThat(h.ti(run, "reported").tryNumber()).isEqualTo(1);

                // the queued try is claimed by a worker as it was; the held one's report reaches the new scheduler
                List<Claimed> claimed = h.store.edge().claim("w2", List.of("default"), 4, h.clock.instant());
                assertThat(claimed).extracting(c -> c.key().taskId()).containsExactly("queued");
                h.store.edge().heartbeat("w2", List.of("default"), 2, 1, WorkerState.RUNNING, h.clock.instant());
                assertThat(h.store.edge().report("w2", key(run, "queued"), 1, Json.write(success(run, "queued", h.clock.instant())))).isTrue();
                assertThat(h.store.edge().report("w1", key(run, "held"), 1, Json.write(success(run, "held", h.clock.instant())))).isTrue();
                for (int i = 0; i < 40 && (h.ti(run, "queued").state() == TaskState.RUNNING || h.ti(run, "held").state() == TaskState.RUNNING); i++) {
                    scheduler.runOnce(only, Duration.ofMillis(50));
                }
                for (String task : List.of("queued", "held", "reported")) {
                    assertThat(h.ti(run, task).state()).as(task).isEqualTo(TaskState.SUCCESS);
                    assertThat(h.ti(run, task).tryNumber()).as(task + " ran once").isEqualTo(1);
                }
                assertThat(h.ti(run, "ended").state()).as("the zombie's retry waits").isEqualTo(TaskState.UP_FOR_RETRY);
                h.clock.advance(Duration.ofSeconds(2));
                scheduler.runOnce(only, Duration.ofMillis(50));
                assertThat(h.store.edge().owned(edge.owner())).extracting(c -> c.key().taskId() + " " + c.tryNumber())
                        .as("recorded reports are deleted; the zombie's stale row too").doesNotContain("ended 1", "queued 1", "held 1", "reported 1");
                assertThat(edge.running()).as("no slot leaks").isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void twoSchedulersAdoptingAtOnceTakeEachRowOnce() {
        try (Harness h = new Harness(home, dag())) {
            Setup s = deadSchedulersTries(h);
            List<TaskInstance> orphans = List.of(h.ti(s.run(), "queued"), h.ti(s.run(), "held"), h.ti(s.run(), "reported"));
            EdgeExecutor first = new EdgeExecutor(h.store, h.clock, 8, Duration.ofSeconds(30), Duration.ofSeconds(1));
            EdgeExecutor second = new EdgeExecutor(h.store, h.clock, 8, Duration.ofSeconds(30), Duration.ofSeconds(1));
            first.start(s.deadScheduler() + 1000);
            second.start(s.deadScheduler() + 1001);

            assertThat(first.adopt(orphans)).extracting(TaskKey::taskId).containsExactlyInAnyOrder("queued", "held", "reported");
            assertThat(second.adopt(orphans)).as("the rows are no longer the dead scheduler's").isEmpty();
            assertThat(first.running()).isEqualTo(3);
            assertThat(second.running()).isZero();
            assertThat(h.store.edge().takeReports(second.owner())).isEmpty();
            assertThat(h.store.edge().takeReports(first.owner())).as("the taken report is handed again, to the adopter")
                    .extracting(r -> r.key().taskId()).containsExactly("reported");
        }
    }
}
