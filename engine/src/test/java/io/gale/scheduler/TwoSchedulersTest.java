package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.executor.LocalExecutor;
import io.gale.store.DagRunRepository.Scope;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two schedulers on one database start queued runs without exceeding a DAG's max_active_runs between them. */
class TwoSchedulersTest {

    @TempDir
    Path home;

    @Test
    void twoSchedulersStartingQueuedRunsAtOnceKeepMaxActiveRuns() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        var dag = Dag.builder("one_at_a_time").maxActiveRuns(1);
        dag.task("only", ctx -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                // the task's work: 30 ms, time enough for the other scheduler to look for a queued run to start
                io.gale.testing.Await.atMost(Duration.ofMillis(30), () -> now.get() >= 2);
            } finally {
                now.decrementAndGet();
            }
            return null;
        });
        try (Harness h = new Harness(home, dag.build())) {
            h.client().setPaused("one_at_a_time", false);
            List<DagRun> runs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                runs.add(h.trigger("one_at_a_time", Map.of()));
                h.clock.advance(Duration.ofMinutes(1));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> loops = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try (LocalExecutor executor = new LocalExecutor(4, h.engine().taskRunner());
                         Scheduler scheduler = h.engine().newScheduler(executor, Scheduler.Settings.defaults().withCreateRuns(false)
                                 .withFullPassEvery(Duration.ofMillis(1)))) {
                        while (!stop.get()) {
                            scheduler.runOnce(Scope.ALL, Duration.ofMillis(5));
                        }
                        scheduler.shutdown(Duration.ofSeconds(10));
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                }, "scheduler-" + i);
                t.start();
                loops.add(t);
            }
            try {
                io.gale.testing.Await.until(Duration.ofSeconds(90), "12 runs end", () -> failed.get() != null
                        || runs.stream().allMatch(r -> h.store.runs().find(r.dagId(), r.runId()).orElseThrow().state() == DagRunState.SUCCESS));
                assertThat(failed.get()).as("a scheduler loop failed").isNull();
            } finally {
                stop.set(true);
                for (Thread t : loops) {
                    t.join(30_000);
                }
            }
            assertThat(most.get()).as("runs running at once, with max_active_runs 1").isEqualTo(1);
        }
    }
}
