package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunKey;
import io.gale.core.RunType;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.dagbag.DagBag;
import io.gale.executor.TryOutcome;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.NewDagRun;
import io.gale.store.Store;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.CliHarness;
import io.gale.testing.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale tasks run}: runs one started try here, prints its log and outcome line, records nothing. */
class TasksRunCommandTest {

    @TempDir
    Path home;

    @Test
    void runsTheStartedTryPrintsItsOutcomeAndLeavesTheStateToTheScheduler() throws Exception {
        Path sideEffects = home.resolve("side-effects.txt");
        var dag = Dag.builder("pods");
        dag.task("push", ctx -> {
            ctx.log().info("pushing");
            ctx.xcomPush("extra", Map.of("n", 2));
            Files.writeString(sideEffects, "ran\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return "value";
        });
        dag.task("boom", ctx -> {
            throw new IllegalStateException("kaboom");
        }).retries(1);
        CliHarness cli = new CliHarness(home, DagBag.of(dag.build()));
        assertThat(cli.run("dags", "list").code()).isZero(); // migrates and records the DAG
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        try (Database db = Database.external(cli.url(), "postgres", null)) {
            Store store = new JooqStore(db);
            DagRun run = store.runs().create(new NewDagRun("pods", RunType.MANUAL.runId(t), RunType.MANUAL, t, t, t,
                    DagRunState.RUNNING, Map.of()));
            store.transact(tx -> {
                tx.taskInstances().createMissing(Map.of(new RunKey("pods", run.runId()),
                        List.of(new NewTask("push", 1, "lambda"), new NewTask("boom", 2, "lambda"))));
                tx.taskInstances().markRunning(List.of(new Start(new TaskKey("pods", run.runId(), "push"), 1),
                        new Start(new TaskKey("pods", run.runId(), "boom"), 1)), t, "scheduler-host", 1, 1L);
            });

            Result ok = cli.run("tasks", "run", "pods", "push", run.runId(), "--try", "1");
            assertThat(ok.code()).as(ok.toString()).isZero();
            List<String> lines = ok.out().lines().toList();
            assertThat(ok.out()).contains("Starting try 1 of 1 of task push", "pushing");
            String last = lines.get(lines.size() - 1);
            assertThat(last).startsWith(TryOutcome.PREFIX);
            TryOutcome outcome = TryOutcome.find(ok.out()).orElseThrow();
            assertThat(outcome.state()).isEqualTo(TaskState.SUCCESS);
            assertThat(outcome.xcoms()).containsEntry("return_value", "\"value\"").containsEntry("extra", "{\"n\":2}");
            assertThat(TryOutcome.logBefore(ok.out())).contains("pushing").doesNotContain(TryOutcome.PREFIX);
            assertThat(Files.readAllLines(sideEffects)).hasSize(1);

            Result failed = cli.run("tasks", "run", "pods", "boom", run.runId(), "--try", "1");
            assertThat(failed.code()).isEqualTo(1);
            TryOutcome f = TryOutcome.find(failed.out()).orElseThrow();
            assertThat(f.state()).isEqualTo(TaskState.UP_FOR_RETRY);
            assertThat(f.error()).contains("kaboom");

            // nothing recorded: both stay running try 1, with no XCom and no log stored
            assertThat(store.taskInstances().forRun("pods", run.runId())).extracting(TaskInstance::state)
                    .containsOnly(TaskState.RUNNING);
            assertThat(store.xcoms().list(new TaskKey("pods", run.runId(), "push"))).isEmpty();

            // a try the scheduler did not start (or already ended) is refused, and runs nothing
            Result other = cli.run("tasks", "run", "pods", "push", run.runId(), "--try", "2");
            assertThat(other.code()).isEqualTo(1);
            assertThat(other.err()).startsWith("Error: ").contains("is not running try 2 (it is running, try 1)");
            assertThat(other.out()).doesNotContain(TryOutcome.PREFIX);
            assertThat(Files.readAllLines(sideEffects)).hasSize(1);
            assertThat(cli.run("tasks", "run", "pods", "nope", run.runId(), "--try", "1").err()).contains("task 'nope' not found");
        }
    }
}
