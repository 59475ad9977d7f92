package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.TaskKey;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tries whose scheduler stopped heartbeating are taken over, and their callbacks still run. */
class ZombieTest {

    @TempDir
    Path home;

    @Test
    void aSilentSchedulersTriesRetryOrFailAndTheirCallbacksRun() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        var dag = Dag.builder("zombies");
        dag.task("retries", ctx -> "second try ran").retries(1).retryDelay(Duration.ofSeconds(1))
                .onRetry((ctx, e) -> calls.add("on_retry " + ctx.taskId() + ": " + e.getMessage()));
        dag.task("fails", ctx -> "never").onFailure((ctx, e) -> calls.add("on_failure " + ctx.taskId()));
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.client().newScheduler(h.executor,
                     Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30)))) {
            DagRun run = h.trigger("zombies", Map.of());
            // another scheduler, on another host, started both tries and then went silent
            long other = h.store.schedulerJobs().register("other-host", 4242, h.clock.instant());
            h.store.transact(tx -> {
                tx.runs().setState("zombies", run.runId(), io.gale.core.DagRunState.RUNNING, h.clock.instant());
                tx.taskInstances().createMissing(Map.of(List.of("zombies", run.runId()),
                        List.of(new NewTask("retries", 2, "lambda"), new NewTask("fails", 1, "lambda"))));
                tx.taskInstances().markRunning(List.of(new Start(new TaskKey("zombies", run.runId(), "retries"), 1),
                        new Start(new TaskKey("zombies", run.runId(), "fails"), 1)), h.clock.instant(), "other-host", 4242, other);
            });
            s.runOnce(Scope.run("zombies", run.runId()), Duration.ofMillis(10));
            assertThat(h.states(run)).containsEntry("retries", "running").containsEntry("fails", "running");

            h.clock.advance(Duration.ofSeconds(61)); // its heartbeat is now older than any threshold
            DagRun done = h.runToEnd(run);
            assertThat(h.states(done)).containsEntry("retries", "success").containsEntry("fails", "failed");
            assertThat(h.ti(done, "retries").tryNumber()).isEqualTo(2);
            assertThat(calls).containsExactlyInAnyOrder(
                    "on_retry retries: Try 1 was lost: its scheduler (other-host, pid 4242) stopped heartbeating; marked up_for_retry",
                    "on_failure fails");
            assertThat(h.client().log("zombies", done.runId(), "fails", 1))
                    .contains("Try 1 was lost", "marked failed", "Ran the on_failure callback");
            assertThat(h.store.schedulerJobs().running()).extracting(j -> j.id()).doesNotContain(other);
        }
    }
}
