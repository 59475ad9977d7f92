package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.ProcessIdentity;
import io.gale.core.RunKey;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.Executor;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskWorkload;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.ProcessGroup;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dead scheduler's tries that the executor can still see are adopted, not ended; the others are lost as before. */
class AdoptionTest {

    @TempDir
    Path home;

    /** An executor whose tries outlive schedulers (as pods do): it sees the tries named in {@code alive}. */
    static final class Outliving implements Executor {
        final List<String> alive;
        final List<Long> startedFor = new CopyOnWriteArrayList<>();
        final List<TaskKey> adopted = new CopyOnWriteArrayList<>();
        final List<TaskWorkload> submitted = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<TaskEvent> events = new LinkedBlockingQueue<>();

        Outliving(List<String> alive) {
            this.alive = alive;
        }

        @Override
        public void start(long schedulerJobId) {
            startedFor.add(schedulerJobId);
        }

        @Override
        public List<TaskKey> adopt(List<TaskInstance> orphans) {
            List<TaskKey> seen = orphans.stream().filter(o -> alive.contains(o.taskId())).map(TaskInstance::key).toList();
            adopted.addAll(seen);
            return seen;
        }

        @Override
        public void submit(TaskWorkload workload) {
            submitted.add(workload);
        }

        @Override
        public int openSlots() {
            return 4;
        }

        @Override
        public int running() {
            return adopted.size();
        }

        @Override
        public List<TaskEvent> poll(Duration timeout) throws InterruptedException {
            List<TaskEvent> out = new ArrayList<>();
            TaskEvent e = events.poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            if (e != null) {
                out.add(e);
                events.drainTo(out);
            }
            return out;
        }

        @Override
        public List<ProcessGroup> processGroups() {
            return List.of();
        }

        @Override
        public void wakeUp() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void triesTheExecutorStillSeesMoveToTheNewSchedulerAndTheirEndIsRecorded() throws Exception {
        var dag = Dag.builder("outlive");
        dag.task("seen", ctx -> 1).retries(1);
        dag.task("gone", ctx -> 1);
        Outliving executor = new Outliving(List.of("seen"));
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.engine().newScheduler(executor,
                     Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30)))) {
            assertThat(executor.startedFor).hasSize(1);
            long mine = executor.startedFor.get(0);
            DagRun run = h.trigger("outlive", Map.of());
            long other = h.store.schedulerJobs().register(
                    new ProcessIdentity(UUID.randomUUID(), "other-host", "another-boot", 4242, null), h.clock.instant());
            TaskKey seen = new TaskKey("outlive", run.runId(), "seen");
            h.store.transact(tx -> {
                tx.runs().setState("outlive", run.runId(), DagRunState.RUNNING, h.clock.instant());
                tx.taskInstances().createMissing(Map.of(new RunKey("outlive", run.runId()),
                        List.of(new NewTask("seen", 2, "lambda"), new NewTask("gone", 1, "lambda"))));
                tx.taskInstances().markRunning(List.of(new Start(seen, 1), new Start(new TaskKey("outlive", run.runId(), "gone"), 1)),
                        h.clock.instant(), "other-host", 4242, other);
            });
            h.clock.advance(Duration.ofSeconds(61)); // the other scheduler's heartbeat is stale
            s.runOnce(Scope.run("outlive", run.runId()), Duration.ofMillis(10));

            assertThat(executor.adopted).containsExactly(seen);
            assertThat(h.ti(run, "seen").state()).isEqualTo(TaskState.RUNNING);
            assertThat(h.ti(run, "seen").schedulerId()).isEqualTo(mine);
            assertThat(h.ti(run, "seen").heartbeatAt()).isEqualTo(h.clock.instant());
            assertThat(h.ti(run, "gone").state()).isEqualTo(TaskState.FAILED);
            assertThat(h.client().log("outlive", run.runId(), "gone", 1)).contains("Try 1 was lost");
            assertThat(executor.submitted).isEmpty();

            // a later zombie check leaves the adopted try alone: this scheduler heartbeats it now
            h.clock.advance(Duration.ofSeconds(10));
            s.runOnce(Scope.run("outlive", run.runId()), Duration.ofMillis(10));
            assertThat(h.ti(run, "seen").state()).isEqualTo(TaskState.RUNNING);

            executor.events.add(new TaskEvent(seen, 1, TaskState.SUCCESS, null, Map.of("return_value", "1"), "ran on\n",
                    h.clock.instant(), h.clock.instant()));
            for (int i = 0; i < 20 && h.ti(run, "seen").state() == TaskState.RUNNING; i++) {
                s.runOnce(Scope.run("outlive", run.runId()), Duration.ofMillis(50));
            }
            assertThat(h.ti(run, "seen").state()).isEqualTo(TaskState.SUCCESS);
            assertThat(h.ti(run, "seen").tryNumber()).isEqualTo(1);
            assertThat(executor.submitted).as("nothing started again").isEmpty();
        }
    }
}
