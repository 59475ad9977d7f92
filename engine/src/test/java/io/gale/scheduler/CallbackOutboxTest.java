package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.api.SkipTask;
import io.gale.api.TaskContext;
import io.gale.core.CallbackKind;
import io.gale.core.DagRun;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.store.CallbackOutboxRepository.Entry;
import io.gale.store.CallbackOutboxRepository.Status;
import io.gale.store.DagRunRepository.Scope;
import io.gale.testing.Await;
import io.gale.testing.Harness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task callbacks go through the callback outbox: a row per callback a try's end calls for, written
 * with the end, delivered by a scheduler once, retried with backoff when it throws, and never
 * delivered twice by two schedulers. Side effects are counted as lines the callbacks append to a file.
 */
class CallbackOutboxTest {

    @TempDir
    Path home;

    private Path calls() {
        return home.resolve("callbacks.log");
    }

    /** Appends one line to the callbacks file (callbacks of several threads append whole lines). */
    private synchronized void append(TaskContext ctx, String what) {
        try {
            Files.writeString(calls(), what + " " + ctx.taskId() + " " + ctx.tryNumber() + " " + ctx.callbackId().orElse(-1) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> lines() throws IOException {
        return Files.exists(calls()) ? Files.readAllLines(calls()) : List.of();
    }

    private static void loop(Scheduler s, DagRun run) {
        try {
            s.runOnce(Scope.run(run.dagId(), run.runId()), Duration.ofMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted in a scheduler loop", e);
        }
    }

    @Test
    void successRetryAndFailureEachWriteOneRowAndTheirCallbackRunsOnce() throws Exception {
        var dag = Dag.builder("hooks");
        dag.task("ok", ctx -> "fine").onSuccess((ctx, e) -> append(ctx, "on_success"));
        dag.task("flaky", ctx -> {
            if (ctx.tryNumber() == 1) throw new IllegalStateException("first try fails");
            return "second try ran";
        }).retries(1).retryDelay(Duration.ofSeconds(5))
                .onRetry((ctx, e) -> append(ctx, "on_retry[" + e.getMessage().replace(' ', '_') + "]"))
                .onSuccess((ctx, e) -> append(ctx, "on_success"));
        dag.task("doomed", ctx -> {
            throw new IllegalStateException("always");
        }).onFailure((ctx, e) -> append(ctx, "on_failure[" + e.getMessage().replace(' ', '_') + "]"));
        dag.task("skipper", ctx -> {
            throw new SkipTask("nothing to do");
        }).onSuccess((ctx, e) -> append(ctx, "on_success"));
        dag.task("plain", ctx -> "no callbacks");
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("hooks", Map.of()));
            assertThat(h.states(run)).containsEntry("ok", "success").containsEntry("flaky", "success")
                    .containsEntry("doomed", "failed").containsEntry("skipper", "skipped").containsEntry("plain", "success");

            List<Entry> rows = h.store.callbacks().forRun("hooks", run.runId());
            assertThat(rows).extracting(r -> r.key().taskId() + " " + r.tryNumber() + " " + r.kind().id() + " " + r.state().id())
                    .containsExactlyInAnyOrder("ok 1 on_success success", "flaky 1 on_retry up_for_retry",
                            "flaky 2 on_success success", "doomed 1 on_failure failed");
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.status()).as(r.key() + " " + r.kind()).isEqualTo(Status.DELIVERED);
                assertThat(r.attempts()).as(r.key() + " " + r.kind()).isEqualTo(1);
                assertThat(r.leaseOwner()).isNotNull();
            });
            Map<String, Entry> byCall = rows.stream().collect(Collectors.toMap(r -> r.key().taskId() + " " + r.tryNumber(),
                    Function.identity(), (a, b) -> a.kind() == CallbackKind.ON_RETRY ? a : b));
            assertThat(byCall.get("doomed 1").error()).isEqualTo("IllegalStateException: always");
            assertThat(byCall.get("ok 1").error()).isNull();

            // each callback ran once, with the recorded error and its row's id as idempotency key
            assertThat(lines()).containsExactlyInAnyOrder(
                    "on_success ok 1 " + byCall.get("ok 1").id(),
                    "on_retry[IllegalStateException:_first_try_fails] flaky 1 " + rows.stream()
                            .filter(r -> r.kind() == CallbackKind.ON_RETRY).findFirst().orElseThrow().id(),
                    "on_success flaky 2 " + byCall.get("flaky 2").id(),
                    "on_failure[IllegalStateException:_always] doomed 1 " + byCall.get("doomed 1").id());
            // the callback's log is appended to the try's log
            assertThat(h.client().log("hooks", run.runId(), "doomed", 1)).contains("Task ended failed", "Ran the on_failure callback");
            assertThat(h.client().log("hooks", run.runId(), "flaky", 1)).contains("Ran the on_retry callback");

            // more loops deliver nothing again
            for (int i = 0; i < 3; i++) {
                loop(h.scheduler, run);
            }
            assertThat(lines()).hasSize(4);
            assertThat(h.store.callbacks().countPending()).isZero();
        }
    }

    @Test
    void aThrowingCallbackIsRetriedWithBackoffThenMarkedFailed() throws Exception {
        var dag = Dag.builder("noisy");
        dag.task("doomed", ctx -> {
            throw new IllegalStateException("boom");
        }).onFailure((ctx, e) -> {
            append(ctx, "on_failure");
            throw new IllegalStateException("hook down");
        });
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults().withCreateRuns(false)
                     .withCallbackRetries(3, Duration.ofSeconds(10)))) {
            DagRun run = h.trigger("noisy", Map.of());
            TaskKey key = new TaskKey("noisy", run.runId(), "doomed");
            AtomicReference<Entry> row = new AtomicReference<>();
            Instant first = h.clock.instant();
            awaitAttempts(h, s, run, key, 1, row);
            assertThat(h.ti(run, "doomed").state()).isEqualTo(TaskState.FAILED);
            assertThat(row.get().status()).isEqualTo(Status.PENDING);
            assertThat(row.get().nextAttemptAt()).isEqualTo(first.plusSeconds(10));
            assertThat(row.get().lastError()).isEqualTo("the on_failure callback failed: IllegalStateException: hook down");
            assertThat(lines()).hasSize(1);

            loop(s, run); // not due yet: the delivery that just ended makes this loop look at the outbox
            loop(s, run);
            assertThat(h.store.callbacks().forTask(key).get(0).attempts()).isEqualTo(1);
            assertThat(lines()).hasSize(1);

            h.clock.advance(Duration.ofSeconds(10));
            Instant second = h.clock.instant();
            awaitAttempts(h, s, run, key, 2, row);
            assertThat(row.get().status()).isEqualTo(Status.PENDING);
            assertThat(row.get().nextAttemptAt()).as("the delay doubles").isEqualTo(second.plusSeconds(20));
            assertThat(lines()).hasSize(2);

            h.clock.advance(Duration.ofSeconds(20));
            awaitAttempts(h, s, run, key, 3, row);
            assertThat(row.get().status()).isEqualTo(Status.FAILED);
            assertThat(row.get().failedAt()).isEqualTo(h.clock.instant());
            assertThat(row.get().lastError()).contains("hook down");
            assertThat(h.client().log("noisy", run.runId(), "doomed", 1))
                    .contains("trying again at " + second, "The on_failure callback failed (attempt 3 of 3), giving up");

            h.clock.advance(Duration.ofHours(1));
            loop(s, run);
            loop(s, run);
            assertThat(lines()).as("a failed callback is not tried again").hasSize(3);
            assertThat(h.store.callbacks().forTask(key).get(0).attempts()).isEqualTo(3);
        }
    }

    /** Loops {@code s} until the callback of {@code key} has been attempted {@code n} times and is not leased. */
    private void awaitAttempts(Harness h, Scheduler s, DagRun run, TaskKey key, int n, AtomicReference<Entry> row) {
        Await.until(Duration.ofSeconds(30), "attempt " + n + " of the callback of " + key, () -> {
            loop(s, run);
            List<Entry> rows = h.store.callbacks().forTask(key);
            if (rows.size() == 1 && rows.get(0).attempts() == n && rows.get(0).leaseUntil() == null) {
                row.set(rows.get(0));
                return true;
            }
            return false;
        });
    }

    @Test
    void twoSchedulersOnOneDatabaseDeliverEachCallbackOnce() throws Exception {
        int tasks = 24;
        var delivering = new java.util.concurrent.atomic.AtomicInteger();
        var dag = Dag.builder("crowd").maxActiveTasks(tasks);
        for (int i = 0; i < tasks; i++) {
            dag.task("t" + i, ctx -> {
                throw new IllegalStateException("fails");
            }).onFailure((ctx, e) -> {
                // until another callback runs beside it (both schedulers claiming at once), 200 ms at most
                delivering.incrementAndGet();
                try {
                    io.gale.testing.Await.atMost(java.time.Duration.ofMillis(200), () -> delivering.get() >= 2);
                } finally {
                    delivering.decrementAndGet();
                }
                append(ctx, "on_failure");
            });
        }
        try (Harness h = new Harness(home, dag.build());
             Scheduler other = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults().withCreateRuns(false))) {
            DagRun run = h.trigger("crowd", Map.of());
            List<Thread> loops = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (Scheduler s : List.of(h.scheduler, other)) {
                Thread t = new Thread(() -> {
                    try {
                        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                        while (System.nanoTime() < deadline && !allDelivered(h, run, tasks)) {
                            loop(s, run);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                t.start();
                loops.add(t);
            }
            for (Thread t : loops) {
                t.join(Duration.ofSeconds(90).toMillis());
            }
            assertThat(errors).isEmpty();
            assertThat(allDelivered(h, run, tasks)).as("every callback delivered within 60 s").isTrue();
            List<Entry> rows = h.store.callbacks().forRun("crowd", run.runId());
            assertThat(rows).hasSize(tasks).allSatisfy(r -> assertThat(r.attempts()).as(r.key().taskId()).isEqualTo(1));
            Map<String, Long> perTask = lines().stream().collect(Collectors.groupingBy(l -> l.split(" ")[1], Collectors.counting()));
            assertThat(perTask).hasSize(tasks).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1L));
        }
    }

    private static boolean allDelivered(Harness h, DagRun run, int tasks) {
        List<Entry> rows = h.store.callbacks().forRun(run.dagId(), run.runId());
        return rows.size() == tasks && rows.stream().allMatch(r -> r.status() == Status.DELIVERED);
    }
}
