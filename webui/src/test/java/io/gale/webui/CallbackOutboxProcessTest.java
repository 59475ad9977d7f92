package io.gale.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.client.Operations;
import io.gale.core.DagRun;
import io.gale.store.CallbackOutboxRepository.Entry;
import io.gale.store.CallbackOutboxRepository.Status;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.Store;
import io.gale.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code gale scheduler} killed with SIGKILL after a try's failure is recorded and before its
 * on_failure callback is delivered: another scheduler delivers it, and its side effect (a line
 * appended to a file) happens exactly once.
 */
class CallbackOutboxProcessTest {

    @RegisterExtension
    final GaleProcesses gale = new GaleProcesses();

    /**
     * A DAG with one run whose task fails; its on_failure callback appends {@code begin ...}, waits
     * (two minutes at most) for the file {@code release}, then appends {@code on_failure ...}.
     */
    private void writeDag() throws IOException {
        Path dags = Files.createDirectories(gale.home().resolve("dags"));
        ZonedDateTime start = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).minusDays(2);
        Files.writeString(dags.resolve("alarm.java"), """
                import io.gale.api.*;
                import java.nio.file.*;
                import java.time.*;

                public class alarm implements DagDefinition {
                    static void append(String line) throws Exception {
                        Files.writeString(Path.of("%s"), line + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                    public Dag define() {
                        var dag = Dag.builder("alarm").schedule("@hourly").catchup(true)
                                .startDate(ZonedDateTime.parse("%s")).endDate(ZonedDateTime.parse("%s"));
                        dag.task("boom", ctx -> {
                            throw new IllegalStateException("boom");
                        }).onFailure((ctx, e) -> {
                            String key = ctx.runId() + " " + ctx.taskId() + " " + ctx.tryNumber() + " " + ctx.callbackId().getAsLong();
                            append("begin " + key + " " + ProcessHandle.current().pid());
                            // blocks until the test creates the release file: told by the file system, 2 minutes at most
                            Path release = Path.of("%s");
                            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                            try (WatchService watch = release.getFileSystem().newWatchService()) {
                                release.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                                while (!Files.exists(release)) {
                                    WatchKey k = watch.poll(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
                                    if (k == null) {
                                        throw new IllegalStateException("the release file did not appear within 2 minutes");
                                    }
                                    k.pollEvents();
                                    k.reset();
                                }
                            }
                            append("on_failure " + key + " " + e.getMessage().replace(' ', '_'));
                        });
                        return dag.build();
                    }
                }
                """.formatted(gale.home().resolve("callbacks.log"), start, start, gale.home().resolve("release")));
    }

    private Process scheduler(String name) throws IOException {
        // DAGs start paused (the example DAGs on the classpath stay so); the test unpauses its own
        return gale.scheduler(name, Map.of());
    }

    private List<String> lines(String kind) {
        return gale.lines("callbacks.log").stream().filter(l -> l.startsWith(kind + " ")).toList();
    }

    private Database open() {
        return Database.open(gale.config());
    }

    private static List<Entry> rows(Store store) {
        List<Entry> rows = new ArrayList<>();
        for (DagRun r : store.runs().list("alarm")) {
            rows.addAll(store.callbacks().forRun("alarm", r.runId()));
        }
        return rows;
    }

    @Test
    void aSchedulerKilledBeforeDeliveringACallbackLeavesItToTheNextWhichDeliversItOnce() throws Exception {
        writeDag();
        Process first = scheduler("first");
        Await.until(Duration.ofSeconds(90), "the first scheduler to start", () -> gale.output("first").contains("Gale scheduler started"));
        try (Database db = open()) {
            new Operations(gale.config(), db, Clock.systemUTC()).setPaused("alarm", false);
        }
        Await.until(Duration.ofSeconds(60), "the first scheduler to start the on_failure callback", () -> lines("begin").size() == 1);
        Entry recorded;
        try (Database db = open()) {
            Store store = new JooqStore(db);
            List<Entry> rows = rows(store);
            assertThat(rows).hasSize(1);
            recorded = rows.get(0);
            assertThat(recorded.status()).isEqualTo(Status.PENDING);
            assertThat(recorded.attempts()).isEqualTo(1);
            assertThat(recorded.leaseOwner()).isNotNull();
            assertThat(store.taskInstances().find(recorded.key()).orElseThrow().state().id()).isEqualTo("failed");
        }
        first.destroyForcibly(); // SIGKILL between the recorded failure and the callback's delivery
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lines("on_failure")).as("no callback finished before the kill").isEmpty();
        Files.createFile(gale.home().resolve("release"));

        scheduler("second");
        try (Database db = open()) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(60), "the second scheduler to deliver the callback",
                    () -> rows(store).stream().allMatch(r -> r.status() == Status.DELIVERED));
            Entry delivered = rows(store).get(0);
            assertThat(delivered.id()).isEqualTo(recorded.id());
            assertThat(delivered.attempts()).as("the killed attempt counts").isEqualTo(2);
            assertThat(delivered.leaseOwner()).as("delivered by the second scheduler").isNotEqualTo(recorded.leaseOwner());
            String key = recorded.key().runId() + " boom 1 " + recorded.id();
            assertThat(lines("on_failure")).as("the callback's side effect, exactly once")
                    .containsExactly("on_failure " + key + " IllegalStateException:_boom");
            assertThat(lines("begin")).hasSize(2).allMatch(l -> l.startsWith("begin " + key + " "));
            assertThat(store.logs().get(recorded.key(), 1).orElse(""))
                    .contains("Task ended failed", "Ran the on_failure callback");
        }
    }
}
