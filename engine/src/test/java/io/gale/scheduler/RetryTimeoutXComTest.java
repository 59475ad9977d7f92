package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.api.TaskContext;
import io.gale.core.DagRun;
import io.gale.core.TaskInstance;
import io.gale.testing.Await;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryTimeoutXComTest {

    @TempDir
    Path home;

    record Point(int x, String label) {
    }

    /** One scheduler loop over every run, as {@code gale scheduler} does. */
    private static void tick(Harness h) {
        try {
            h.scheduler.runOnce(new io.gale.store.DagRunRepository.Scope(null, null, null, true), Duration.ofMillis(50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted in a scheduler loop", e);
        }
    }

    @Test
    void retriesWaitAirflowsDelaysAndCallbacksFire() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        List<Duration> gaps = Collections.synchronizedList(new ArrayList<>());
        var dag = Dag.builder("retrying");
        dag.task("flaky", ctx -> {
            if (ctx.tryNumber() < 4) throw new IllegalStateException("try " + ctx.tryNumber() + " fails");
            return ctx.tryNumber();
        }).retries(3).retryDelay(Duration.ofSeconds(10)).retryExponentialBackoff(true)
                .onRetry((ctx, e) -> calls.add("retry " + ctx.tryNumber() + ": " + e.getMessage()))
                .onSuccess((ctx, e) -> calls.add("success " + ctx.tryNumber()));
        dag.task("doomed", ctx -> {
            throw new IllegalStateException("always");
        }).retries(1).retryDelay(Duration.ofSeconds(5))
                .onFailure((ctx, e) -> calls.add("failure " + ctx.tryNumber()));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun triggered = h.trigger("retrying", Map.of());
            // record each retry gap as the scheduler sets it
            AtomicReference<DagRun> finished = new AtomicReference<>();
            Await.until(Duration.ofSeconds(60), "run " + triggered.runId() + " to finish with every retry", () -> {
                tick(h);
                TaskInstance ti = h.ti(triggered, "flaky");
                if (ti.state().id().equals("up_for_retry") && ti.nextRetryAt() != null
                        && gaps.size() < ti.tryNumber()) {
                    gaps.add(Duration.between(ti.endDate(), ti.nextRetryAt()));
                }
                DagRun now = h.store.runs().find(triggered.dagId(), triggered.runId()).orElseThrow();
                if (now.state().finished() && h.executor.running() == 0 && h.callbacksAttempted(now)) {
                    finished.set(now);
                    return true;
                }
                if (h.executor.running() == 0 && h.scheduler.nextWakeup() != null) {
                    h.clock.set(h.scheduler.nextWakeup());
                }
                return false;
            });
            DagRun run = finished.get();
            assertThat(gaps).hasSize(3);
            assertThat(gaps.get(0).toSeconds()).isBetween(10L, 19L);
            assertThat(gaps.get(1).toSeconds()).isBetween(20L, 39L);
            assertThat(gaps.get(2).toSeconds()).isBetween(40L, 79L);
            assertThat(h.ti(run, "flaky").tryNumber()).isEqualTo(4);
            assertThat(h.ti(run, "flaky").state().id()).isEqualTo("success");
            assertThat(h.ti(run, "doomed").state().id()).isEqualTo("failed");
            assertThat(h.ti(run, "doomed").tryNumber()).isEqualTo(2);
            // callbacks see the recorded error: what ended the try, as its log and the outbox name it
            assertThat(calls).containsExactlyInAnyOrder("retry 1: IllegalStateException: try 1 fails",
                    "retry 2: IllegalStateException: try 2 fails", "retry 3: IllegalStateException: try 3 fails",
                    "success 4", "failure 2");
            assertThat(h.store.logs().tries(h.ti(run, "flaky").key())).containsExactly(1, 2, 3, 4);
            assertThat(run.state().id()).isEqualTo("failed");
        }
    }

    @Test
    void executionTimeoutInterruptsTheTryWhichRetriesThenFails() throws Exception {
        var dag = Dag.builder("slow");
        dag.task("sleeper", ctx -> {
            new CountDownLatch(1).await(); // never released: only the timeout's interrupt ends it
            return "never";
        }).executionTimeout(Duration.ofMillis(200)).retries(1).retryDelay(Duration.ofSeconds(1));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("slow", Map.of()));
            TaskInstance ti = h.ti(run, "sleeper");
            assertThat(ti.state().id()).isEqualTo("failed");
            assertThat(ti.tryNumber()).isEqualTo(2);
            assertThat(ti.duration()).isLessThan(10.0);
            assertThat(h.client().log("slow", run.runId(), "sleeper", 1))
                    .contains("task 'sleeper' timed out after 200 ms (execution_timeout) and was interrupted");
            assertThat(h.client().log("slow", run.runId(), "sleeper", 2)).contains("Task ended failed");
        }
    }

    @Test
    void aTimedOutTryEndsOnlyAfterItsTaskHasCleanedUp() throws Exception {
        AtomicBoolean cleanedUp = new AtomicBoolean();
        var dag = Dag.builder("slow_cleanup");
        dag.task("sleeper", ctx -> {
            try {
                new CountDownLatch(1).await(); // never released: only the timeout's interrupt ends it
            } finally {
                Thread.sleep(500); // the task's own work: a slow clean-up (the interrupt is spent), as killing a process group can be
                cleanedUp.set(true);
            }
            return "never";
        }).executionTimeout(Duration.ofMillis(200));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("slow_cleanup", Map.of()));
            assertThat(h.ti(run, "sleeper").state().id()).isEqualTo("failed");
            assertThat(cleanedUp).as("the task had cleaned up when its try was reported over").isTrue();
        }
    }

    @Test
    void xcomRoundTripsTypedAndFromSeveralTasks() throws Exception {
        var dag = Dag.builder("xcoms");
        var point = dag.task("point", ctx -> new Point(3, "three"));
        var list = dag.task("list", ctx -> List.of(1, 2, 3));
        var silent = dag.task("silent", ctx -> null);
        var pusher = dag.task("pusher", ctx -> {
            ctx.xcomPush("extra", Map.of("k", "v"));
            return 7;
        });
        var reader = dag.task("reader", (TaskContext ctx) -> {
            Point p = ctx.xcomPull("point", Point.class);
            List<?> l = ctx.xcomPull("list", List.class);
            List<Integer> several = ctx.xcomPull(List.of("pusher", "silent", "pusher"), Integer.class);
            Map<?, ?> extra = ctx.xcomPull("pusher", "extra", Map.class);
            return Map.of("point", p.label() + p.x(), "list", l, "several", Arrays.asList(several.toArray()),
                    "extra", extra, "missing", String.valueOf(ctx.xcomPull("nobody", String.class)));
        });
        reader.after(point, list, silent, pusher);
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("xcoms", Map.of()));
            assertThat(run.state().id()).isEqualTo("success");
            var client = h.client();
            assertThat(client.xcoms("xcoms", run.runId(), "point", "return_value").get(0).json())
                    .isEqualTo("{\"x\": 3, \"label\": \"three\"}");
            assertThat(client.xcoms("xcoms", run.runId(), "silent", null)).isEmpty();
            assertThat(client.xcoms("xcoms", run.runId(), "pusher", null)).extracting(e -> e.key())
                    .containsExactly("extra", "return_value");
            String json = client.xcoms("xcoms", run.runId(), "reader", "return_value").get(0).json();
            assertThat(json).contains("\"point\": \"three3\"", "\"several\": [7, null, 7]", "\"missing\": \"null\"",
                    "\"extra\": {\"k\": \"v\"}", "\"list\": [1, 2, 3]");
        }
    }

    @Test
    void aRetryDoesNotSeeItsFailedTrysXComs() throws Exception {
        var dag = Dag.builder("clearing");
        dag.task("t", ctx -> {
            String before = ctx.xcomPull("t", "attempt", String.class);
            if (ctx.tryNumber() == 1) {
                ctx.xcomPush("attempt", "first");
                ctx.xcomPush("only_first", true);
                throw new IllegalStateException("first try fails after pushing");
            }
            return "saw " + before;
        }).retries(1).retryDelay(Duration.ofSeconds(3));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.trigger("clearing", Map.of());
            // after the first try the pushes are stored; the second try starts with none
            DagRun started = run;
            Await.until(Duration.ofSeconds(30), "task t to fail its first try and wait for a retry", () -> {
                tick(h);
                return h.states(started).getOrDefault("t", "").equals("up_for_retry");
            });
            assertThat(h.client().xcoms("clearing", run.runId(), "t", null)).extracting(e -> e.key())
                    .containsExactly("attempt", "only_first");
            run = h.runToEnd(run);
            assertThat(h.client().xcoms("clearing", run.runId(), "t", null)).extracting(e -> e.key() + "=" + e.json())
                    .containsExactly("return_value=\"saw null\"");
        }
    }

    @Test
    void paramsMergeWithConf() throws Exception {
        var dag = Dag.builder("params").param("n", 1).param("who", "world");
        dag.task("t", ctx -> ctx.param("who", String.class) + ctx.param("n", Integer.class) + ctx.conf().size());
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("params", Map.of("n", 5)));
            assertThat(h.client().xcoms("params", run.runId(), "t", "return_value").get(0).json()).isEqualTo("\"world51\"");
        }
    }

    /**
     * A task cleared while it runs (Airflow's restarting): its try's end is not recorded as the
     * task's outcome, its value is not kept, and the task runs again.
     */
    @Test
    void aTaskClearedWhileRunningRunsAgainWithoutItsFirstTrysValue() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        var dag = Dag.builder("cleared");
        dag.task("work", ctx -> {
            if (tries.incrementAndGet() == 1) {
                firstStarted.countDown();
                if (!release.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new AssertionError("never released");
                }
                return "first";
            }
            return "second";
        });
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.trigger("cleared", Map.of());
            Await.until(Duration.ofSeconds(30), "the first try to start", () -> {
                tick(h);
                return firstStarted.getCount() == 0;
            });
            h.client().clear("cleared", "^work$", false, run.runId(), false);
            assertThat(h.states(run)).containsEntry("work", "restarting");
            release.countDown();
            DagRun done = h.runToEnd(run);
            assertThat(h.states(done)).containsEntry("work", "success");
            assertThat(tries.get()).isEqualTo(2);
            assertThat(h.client().xcoms("cleared", run.runId(), "work", "return_value"))
                    .extracting(e -> e.json()).containsExactly("\"second\"");
        }
    }
}
