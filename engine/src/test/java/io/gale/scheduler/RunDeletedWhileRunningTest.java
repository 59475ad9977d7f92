package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.store.DagRunRepository.Scope;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task instances, logs and XComs have no foreign key to their run (V18, V19): a run deleted
 * while one of its tries runs ({@code dags test --replace}) leaves nothing behind when that try
 * ends and the scheduler records it.
 */
class RunDeletedWhileRunningTest {

    @TempDir
    Path home;

    @Test
    void theEndOfATryOfADeletedRunWritesNoTaskInstanceLogOrXCom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var dag = Dag.builder("deleted");
        dag.task("slow", ctx -> {
            ctx.log().info("a line of the deleted run's log");
            return release.await(30, TimeUnit.SECONDS) ? "released" : "timed out";
        });
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.trigger("deleted", Map.of());
            TaskKey slow = new TaskKey("deleted", run.runId(), "slow");
            loopUntil(h, run, "the try of 'slow' runs", () -> h.store.taskInstances().find(slow)
                    .map(t -> t.state() == TaskState.RUNNING).orElse(false));

            boolean deleted = h.store.transaction(tx -> tx.runs().delete("deleted", run.runId()));
            assertThat(deleted).as("the run is deleted while its try runs").isTrue();
            long recorded = h.scheduler.stats().events();
            release.countDown();
            loopUntil(h, run, "the scheduler records the try's end", () -> h.scheduler.stats().events() > recorded);

            assertThat(h.store.taskInstances().forRun("deleted", run.runId())).as("task instances of the deleted run").isEmpty();
            assertThat(h.store.logs().get(slow, 1)).as("the log of the deleted run's try").isEmpty();
            assertThat(h.store.xcoms().get(slow, "return_value")).as("the value the try returned").isEmpty();
        }
    }

    private static void loopUntil(Harness h, DagRun run, String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within 30 s").isNegative();
            h.scheduler.runOnce(Scope.run(run.dagId(), run.runId()), Duration.ofMillis(20)); // the DAG stays paused
        }
    }
}
