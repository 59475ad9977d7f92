package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.TaskKey;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.ProcessGroup;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.core.ProcessIdentity;
import io.gale.testing.Await;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
             Scheduler s = h.engine().newScheduler(h.executor,
                     Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30)))) {
            DagRun run = h.trigger("zombies", Map.of());
            // another scheduler, on another host, started both tries and then went silent
            long other = h.store.schedulerJobs().register(
                    new ProcessIdentity(UUID.randomUUID(), "other-host", "another-boot", 4242, null), h.clock.instant());
            h.store.transact(tx -> {
                tx.runs().setState("zombies", run.runId(), io.gale.core.DagRunState.RUNNING, h.clock.instant());
                tx.taskInstances().createMissing(Map.of(new io.gale.core.RunKey("zombies", run.runId()),
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
            Await.until(Duration.ofSeconds(30), "both callbacks", () -> calls.size() == 2
                    && h.client().log("zombies", done.runId(), "fails", 1).contains("Ran the on_failure callback"));
            assertThat(calls).containsExactlyInAnyOrder(
                    "on_retry retries: Try 1 was lost: its scheduler (other-host, pid 4242) stopped heartbeating; marked up_for_retry",
                    "on_failure fails");
            assertThat(h.client().log("zombies", done.runId(), "fails", 1)).contains("Try 1 was lost", "marked failed");
            assertThat(h.store.schedulerJobs().running()).extracting(j -> j.id()).doesNotContain(other);
        }
    }

    /** A scheduler on another machine that shares this host name and heartbeats is alive, whatever its pid here. */
    @Test
    void aLiveSchedulerWithTheSameHostNameElsewhereKeepsItsTriesAndADeadOneHereLosesThemAtOnce() throws Exception {
        var dag = Dag.builder("twins");
        dag.task("a", ctx -> "a ran here").retries(1).retryDelay(Duration.ofSeconds(1));
        dag.task("b", ctx -> "b ran here").retries(1).retryDelay(Duration.ofSeconds(1));
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.engine().newScheduler(h.executor,
                     Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30)))) {
            DagRun run = h.trigger("twins", Map.of());
            ProcessIdentity here = ProcessIdentity.current();
            long deadPid = 4_194_000; // below Linux's largest pid, and not alive
            while (ProcessHandle.of(deadPid).isPresent()) {
                deadPid--;
            }
            long pid = deadPid;
            // same host name on another machine: its pid means nothing here
            long twin = h.store.schedulerJobs().register(
                    new ProcessIdentity(UUID.randomUUID(), here.hostname(), "another-boot", pid, null), h.clock.instant());
            // this machine, a process that is gone
            long gone = h.store.schedulerJobs().register(
                    new ProcessIdentity(UUID.randomUUID(), here.hostname(), here.machineId(), pid, null), h.clock.instant());
            h.store.transact(tx -> {
                tx.runs().setState("twins", run.runId(), io.gale.core.DagRunState.RUNNING, h.clock.instant());
                tx.taskInstances().createMissing(Map.of(new io.gale.core.RunKey("twins", run.runId()),
                        List.of(new NewTask("a", 2, "lambda"), new NewTask("b", 2, "lambda"))));
                tx.taskInstances().markRunning(List.of(new Start(new TaskKey("twins", run.runId(), "a"), 1)),
                        h.clock.instant(), here.hostname(), pid, twin);
                tx.taskInstances().markRunning(List.of(new Start(new TaskKey("twins", run.runId(), "b"), 1)),
                        h.clock.instant(), here.hostname(), pid, gone);
            });
            s.runOnce(Scope.run("twins", run.runId()), Duration.ofMillis(10));
            assertThat(h.states(run)).containsEntry("a", "running");
            assertThat(h.states(run).get("b")).isIn("up_for_retry", "running", "success");
            assertThat(h.store.schedulerJobs().running()).extracting(j -> j.id()).contains(twin).doesNotContain(gone);
            assertThat(h.client().log("twins", run.runId(), "b", 1)).contains("Try 1 was lost");
        }
    }

    /**
     * A lost try's process group on this machine is killed, and gone, before the try is retried;
     * a group number recorded on another machine means nothing here and is left alone.
     */
    @Test
    void aLostTrysProcessGroupHereIsKilledBeforeItsRetryAndOneElsewhereIsLeftAlone() throws Exception {
        var dag = Dag.builder("groups");
        dag.task("here", ctx -> "retried here").retries(1).retryDelay(Duration.ofSeconds(1));
        dag.task("elsewhere", ctx -> "retried here").retries(1).retryDelay(Duration.ofSeconds(1));
        Process survivor = new ProcessBuilder("setsid", "sleep", "300").start(); // pid = its process group
        Process unrelated = new ProcessBuilder("setsid", "sleep", "300").start();
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.engine().newScheduler(h.executor,
                     Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30)))) {
            DagRun run = h.trigger("groups", Map.of());
            ProcessIdentity here = ProcessIdentity.current();
            long deadPid = 4_194_000;
            while (ProcessHandle.of(deadPid).isPresent()) {
                deadPid--;
            }
            long pid = deadPid;
            long gone = h.store.schedulerJobs().register(
                    new ProcessIdentity(UUID.randomUUID(), here.hostname(), here.machineId(), pid, null), h.clock.instant());
            long silent = h.store.schedulerJobs().register(
                    new ProcessIdentity(UUID.randomUUID(), "other-host", "another-boot", pid, null), h.clock.instant());
            TaskKey hereKey = new TaskKey("groups", run.runId(), "here");
            TaskKey elsewhereKey = new TaskKey("groups", run.runId(), "elsewhere");
            h.store.transact(tx -> {
                tx.runs().setState("groups", run.runId(), io.gale.core.DagRunState.RUNNING, h.clock.instant());
                tx.taskInstances().createMissing(Map.of(new io.gale.core.RunKey("groups", run.runId()),
                        List.of(new NewTask("here", 2, "bash"), new NewTask("elsewhere", 2, "bash"))));
                tx.taskInstances().markRunning(List.of(new Start(hereKey, 1)), h.clock.instant(), here.hostname(), pid, gone);
                tx.taskInstances().markRunning(List.of(new Start(elsewhereKey, 1)), h.clock.instant(), "other-host", pid, silent);
                tx.taskInstances().setProcessGroups(List.of(new ProcessGroup(hereKey, 2, 1), // another try: ignored
                        new ProcessGroup(hereKey, 1, survivor.pid()), new ProcessGroup(elsewhereKey, 1, unrelated.pid())));
            });
            assertThat(h.store.taskInstances().find(hereKey).orElseThrow().processGroup()).isEqualTo(survivor.pid());

            h.clock.advance(Duration.ofSeconds(61)); // the other machine's scheduler is silent too
            s.runOnce(Scope.run("groups", run.runId()), Duration.ofMillis(10));
            assertThat(survivor.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("the lost try's process group was killed").isTrue();
            assertThat(h.client().log("groups", run.runId(), "here", 1)).contains("Try 1 was lost");
            assertThat(h.client().log("groups", run.runId(), "elsewhere", 1)).contains("Try 1 was lost");
            assertThat(unrelated.isAlive()).as("a process group number from another machine is not ours to kill").isTrue();
            DagRun done = h.runToEnd(run);
            assertThat(h.states(done)).containsEntry("here", "success").containsEntry("elsewhere", "success");
            assertThat(h.store.taskInstances().find(hereKey).orElseThrow().processGroup()).as("a new try has no group yet").isNull();
        } finally {
            survivor.destroyForcibly();
            unrelated.destroyForcibly();
        }
    }
}
