package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.JooqStore;
import io.gale.store.Store;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loop with no news (no end to record, no run held back, no wake-up, no full pass due) asks
 * the database nothing about runs; news of each kind brings the runs back into view.
 */
class IdleLoopTest {

    @TempDir
    Path home;

    private static Dag chain() {
        var dag = Dag.builder("chain");
        dag.task("a", ctx -> null).then(dag.task("b", ctx -> null));
        return dag.build();
    }

    @Test
    void aLoopWithoutNewsRunsNoStatementOnRunsOrTaskInstancesAndAWakeUpEndsTheQuiet() throws Exception {
        try (Harness h = new Harness(home, chain())) {
            List<String> statements = new CopyOnWriteArrayList<>();
            ExecuteListener counter = new ExecuteListener() {
                @Override
                public void executeStart(ExecuteContext ctx) {
                    statements.add(ctx.sql());
                }
            };
            Store counted = new JooqStore(DSL.using(h.db.dsl().configuration().deriveAppending(counter)));
            Scheduler.Settings settings = Scheduler.Settings.defaults().withCreateRuns(false).withFullPassEvery(Duration.ofHours(1));
            h.client().setPaused("chain", false);
            try (Scheduler scheduler = new Scheduler(counted, h.executor, h.engine().taskRunner(), h.clock, settings)) {
                DagRun first = h.trigger("chain", java.util.Map.of());
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (counted.runs().find("chain", first.runId()).orElseThrow().state() != DagRunState.SUCCESS) {
                    assertThat(System.nanoTime() - deadline).as("the first run (found by the first, full, pass) ends within 60 s").isNegative();
                    scheduler.runOnce(Scope.ALL, Duration.ofMillis(20));
                }
                scheduler.runOnce(Scope.ALL, Duration.ofMillis(20)); // the pass after a run ended (room for queued runs)

                statements.clear();
                for (int i = 0; i < 5; i++) {
                    scheduler.runOnce(Scope.ALL, Duration.ofMillis(10));
                }
                assertThat(statements).as("five quiet loops look at no run and no task instance")
                        .noneMatch(sql -> sql.contains("\"dag_run\"") || sql.contains("\"task_instance\""));

                h.clock.advance(Duration.ofMinutes(1));
                DagRun second = h.trigger("chain", java.util.Map.of());
                for (int i = 0; i < 3; i++) {
                    scheduler.runOnce(Scope.ALL, Duration.ofMillis(10));
                }
                assertThat(counted.runs().find("chain", second.runId()).orElseThrow().state())
                        .as("a run written without a notification waits for the next full pass").isEqualTo(DagRunState.QUEUED);

                scheduler.wakeUp(); // what the change listener does on the operations API's NOTIFY
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (counted.runs().find("chain", second.runId()).orElseThrow().state() != DagRunState.SUCCESS) {
                    assertThat(System.nanoTime() - deadline).as("after a wake-up the second run ends within 60 s").isNegative();
                    scheduler.runOnce(Scope.ALL, Duration.ofMillis(20));
                }
            }
        }
    }

    @Test
    void aQueuedRunStartsInTheLoopAfterARunOfItsDagEndedWithoutAWakeUpOrAFullPass() throws Exception {
        var builder = Dag.builder("one_at_a_time").maxActiveRuns(1);
        builder.task("a", ctx -> null).then(builder.task("b", ctx -> null));
        try (Harness h = new Harness(home, builder.build())) {
            h.client().setPaused("one_at_a_time", false);
            Scheduler.Settings settings = Scheduler.Settings.defaults().withCreateRuns(false).withFullPassEvery(Duration.ofHours(1));
            try (Scheduler scheduler = new Scheduler(h.store, h.executor, h.engine().taskRunner(), h.clock, settings)) {
                DagRun first = h.trigger("one_at_a_time", java.util.Map.of());
                h.clock.advance(Duration.ofMinutes(1));
                DagRun second = h.trigger("one_at_a_time", java.util.Map.of());
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (h.store.runs().find("one_at_a_time", second.runId()).orElseThrow().state() != DagRunState.SUCCESS) {
                    assertThat(System.nanoTime() - deadline).as("the second run ends within 60 s").isNegative();
                    assertThat(h.store.runs().find("one_at_a_time", second.runId()).orElseThrow().state() == DagRunState.RUNNING
                            && h.store.runs().find("one_at_a_time", first.runId()).orElseThrow().state() == DagRunState.RUNNING)
                            .as("max_active_runs 1: never both running").isFalse();
                    scheduler.runOnce(Scope.ALL, Duration.ofMillis(20));
                }
                assertThat(h.store.runs().find("one_at_a_time", first.runId()).orElseThrow().state()).isEqualTo(DagRunState.SUCCESS);
            }
        }
    }
}
