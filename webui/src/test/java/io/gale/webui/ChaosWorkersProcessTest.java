package io.gale.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.client.Operations;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.TaskKey;
import io.gale.store.CallbackOutboxRepository.Entry;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.Store;
import io.gale.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The short version of {@code bench/chaos --workers}: two {@code gale scheduler} (edge executor), a
 * {@code gale webserver} and two {@code gale worker} processes on one embedded PostgreSQL run 10
 * runs of 4 Bash tasks that append start and end lines to a file. A worker is killed with SIGKILL
 * while it runs a try, then a scheduler while its tries are out; both are started again. Every run
 * succeeds, a task's command completes twice only for a try the killed worker held, and every
 * run's on_success callback appends its line once (twice only for a callback whose delivery the
 * scheduler kill cut, as the outbox's at-least-once delivery allows, which its row shows).
 */
class ChaosWorkersProcessTest {

    private static final int RUNS = 10;
    private static final int CONCURRENCY = 3;

    @RegisterExtension
    final GaleProcesses gale = new GaleProcesses();

    /** t0 -> (t1, t2) -> t3, hourly with catch-up over 10 hours; each try appends start and end lines around a 1 s sleep. */
    private void writeDag() throws IOException {
        Path dags = Files.createDirectories(gale.home().resolve("dags"));
        Path script = gale.home().resolve("task.sh");
        Files.writeString(script, """
                #!/usr/bin/env bash
                echo "start $1 $2 $3" >> %1$s
                sleep 1
                echo "end $1 $2 $3" >> %1$s
                """.formatted(gale.home().resolve("effects.txt")));
        ZonedDateTime start = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusHours(RUNS + 2);
        Files.writeString(dags.resolve("chaos.java"), """
                import io.gale.api.*;
                import io.gale.operators.BashOperator;
                import java.nio.file.*;
                import java.time.*;

                public class chaos implements DagDefinition {
                    static Task bash(Dag.Builder dag, String id) {
                        return dag.task(id, new BashOperator("bash %1$s \\"$GALE_CTX_RUN_ID\\" " + id + " \\"$GALE_CTX_TRY_NUMBER\\""))
                                .retries(3).retryDelay(Duration.ofSeconds(1));
                    }
                    public Dag define() {
                        var dag = Dag.builder("chaos").schedule("@hourly").catchup(true).maxActiveRuns(%4$d)
                                .startDate(ZonedDateTime.parse("%2$s")).endDate(ZonedDateTime.parse("%3$s"));
                        var first = bash(dag, "t0");
                        var last = bash(dag, "t3").onSuccess((ctx, e) -> Files.writeString(Path.of("%5$s"),
                                "callback " + ctx.runId() + " " + ctx.callbackId().getAsLong() + "\\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
                        first.then(bash(dag, "t1")).then(last);
                        first.then(bash(dag, "t2")).then(last);
                        return dag.build();
                    }
                }
                """.formatted(script, start, start.plusHours(RUNS - 1), RUNS, gale.home().resolve("callbacks.txt")));
    }


    /** A try from the side-effect file: run, task and try number. */
    private record Try(String runId, String taskId, int number) {
    }

    /** Tries with a start line and, in {@code ended}, those with an end line too. */
    private Map<Try, Integer> count(String kind) {
        Map<Try, Integer> out = new HashMap<>();
        for (String line : gale.lines("effects.txt")) {
            String[] f = line.split(" ");
            if (f.length == 4 && f[0].equals(kind)) {
                out.merge(new Try(f[1], f[2], Integer.parseInt(f[3])), 1, Integer::sum);
            }
        }
        return out;
    }

    /** Tries that started (a start line), have no end line yet, and whose log says worker {@code name} runs them. */
    private Set<Try> runningOn(Store store, String name) {
        Set<Try> out = new HashSet<>();
        Map<Try, Integer> ended = count("end");
        for (Try t : count("start").keySet()) {
            if (!ended.containsKey(t) && store.logs().get(new TaskKey("chaos", t.runId(), t.taskId()), t.number()).orElse("")
                    .contains("Worker " + name + " runs try " + t.number())) {
                out.add(t);
            }
        }
        return out;
    }

    private Process worker(String name, String token, int port) throws IOException {
        return gale.start(name, System.getProperty("java.class.path"), Map.of("GALE_WORKER_TOKEN", token), "worker",
                "--queues", "default", "--concurrency", String.valueOf(CONCURRENCY), "--api-url", "http://127.0.0.1:" + port, "--name", name);
    }

    @Test
    void killedWorkersAndSchedulersLoseNoRunRepeatNoCompletedTryOutsideTheKilledWorkerAndDeliverEachCallbackOnce() throws Exception {
        writeDag();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> edge = Map.of("GALE_EXECUTOR", "edge");
        String token;
        try (Database db = Database.open(gale.config())) {
            Operations ops = new Operations(gale.config(), db, Clock.systemUTC());
            ops.processDags();
            assertThat(ops.importErrors()).isEmpty();
            ops.setPaused("chaos", false);
            token = ops.workers().createToken("chaos");
        }
        gale.start("web", System.getProperty("java.class.path"), Map.of(), "webserver", "--port", String.valueOf(port),
                "--hostname", "127.0.0.1");
        Process scheduler = gale.scheduler("scheduler-1", edge);
        gale.scheduler("scheduler-2", edge); // its partner, which adopts the first one's tries when it dies
        Await.until(Duration.ofSeconds(60), "the web server to listen on " + port + "; its output:\n" + gale.output("web"),
                () -> gale.output("web").contains("Gale web server"));
        Process doomed = worker("a", token, port);
        worker("b", token, port);

        try (Database db = Database.open(gale.config())) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(60), "worker a to run a try (started, not ended); its output:\n" + gale.output("a")
                    + "\nscheduler:\n" + gale.output("scheduler-1"), () -> !runningOn(store, "a").isEmpty());
            doomed.destroyForcibly(); // SIGKILL mid-try: its Bash tries die with it
            assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Set<Try> killed = runningOn(store, "a"); // a try that completed just before the kill is not among these
            worker("a", token, port); // restarted under its name: its old tries end at once and are retried

            Await.until(Duration.ofSeconds(60), "scheduler-1 to have tries out on the workers; its output:\n" + gale.output("scheduler-1"),
                    () -> store.runs().list("chaos").stream().filter(r -> r.state() == DagRunState.SUCCESS).count() >= 2
                            && store.schedulerJobs().running().stream().filter(j -> j.process().pid() == scheduler.pid())
                            .anyMatch(j -> !store.taskInstances().zombies(java.time.Instant.EPOCH, List.of(j.id())).isEmpty()));
            scheduler.destroyForcibly(); // SIGKILL while its tries are queued or on workers: scheduler-2 adopts them
            assertThat(scheduler.waitFor(30, TimeUnit.SECONDS)).isTrue();
            gale.scheduler("scheduler-1b", edge); // restarted

            Await.until(Duration.ofSeconds(90), "all " + RUNS + " runs to finish; scheduler-2's output:\n" + gale.output("scheduler-2"),
                    () -> {
                        List<DagRun> runs = store.runs().list("chaos");
                        return runs.size() == RUNS && runs.stream().allMatch(r -> r.state().finished());
                    });
            List<DagRun> runs = store.runs().list("chaos");
            assertThat(runs).extracting(DagRun::state).as("no run lost").containsOnly(DagRunState.SUCCESS);
            assertThat(gale.output("scheduler-2") + gale.output("scheduler-1b")).as("scheduler-1's tries out when it was killed")
                    .contains("Adopted");

            Map<Try, Integer> starts = count("start");
            Map<Try, Integer> ends = count("end");
            assertThat(starts.values()).as("each try started once").containsOnly(1);
            assertThat(ends.values()).as("each try's command completed at most once").containsOnly(1);
            // the tries the edge executor reported lost: worker a's, let go when it registered again
            Set<Try> lost = new HashSet<>();
            for (Try t : starts.keySet()) {
                String log = store.logs().get(new TaskKey("chaos", t.runId(), t.taskId()), t.number()).orElse("");
                if (log.contains("was lost")) {
                    // let go when a registered again, or found silent first when its new JVM was slow to start
                    assertThat(log).as("a lost try was the killed worker's")
                            .containsAnyOf("was lost: its worker restarted without it", "was lost: its worker a stopped heartbeating");
                    lost.add(t);
                }
            }
            assertThat(lost).as("at most what worker a could hold").hasSizeLessThanOrEqualTo(CONCURRENCY).containsAll(killed);
            assertThat(killed).as("a try worker a ran when it was killed died with it").isNotEmpty();
            assertThat(starts.keySet().stream().filter(t -> !ends.containsKey(t)).toList())
                    .as("only worker a's lost tries were interrupted").allMatch(lost::contains);

            // per task: one completed command, or a second one after a lost try of the killed worker that completed unreported
            Map<String, List<Try>> completedByTask = new HashMap<>();
            ends.keySet().forEach(t -> completedByTask.computeIfAbsent(t.runId() + " " + t.taskId(), k -> new ArrayList<>()).add(t));
            assertThat(completedByTask).hasSize(RUNS * 4);
            List<Try> repeated = new ArrayList<>();
            completedByTask.values().stream().filter(l -> l.size() > 1).forEach(l -> l.stream()
                    .filter(t -> t.number() < l.stream().mapToInt(Try::number).max().orElseThrow()).forEach(repeated::add));
            assertThat(repeated).as("a completed command repeated only for a lost try of the killed worker").allMatch(lost::contains);

            // one on_success callback per run, its line written once; a second line of the same callback only when
            // scheduler-1 was killed while delivering it (at-least-once delivery: its outbox row counts two attempts)
            // delivery is asynchronous (the outbox): a run may succeed a moment before its callback line is written
            Await.until(Duration.ofSeconds(60), "every run's on_success callback to be delivered", () -> runs.stream().allMatch(
                    r -> gale.lines("callbacks.txt").stream().anyMatch(l -> l.startsWith("callback " + r.runId() + " "))));
            int redelivered = 0;
            for (DagRun r : runs) {
                List<String> mine = gale.lines("callbacks.txt").stream().filter(l -> l.startsWith("callback " + r.runId() + " ")).toList();
                assertThat(mine).as("the on_success callback of " + r.runId() + ": not lost, and one callback").isNotEmpty()
                        .allMatch(l -> l.equals(mine.get(0)));
                if (mine.size() > 1) {
                    List<Entry> rows = store.callbacks().forRun("chaos", r.runId());
                    assertThat(rows).as("the outbox row of " + r.runId()).hasSize(1);
                    assertThat(rows.get(0).attempts()).as("a line written twice: its first delivery was cut by the kill")
                            .isEqualTo(mine.size());
                    redelivered += mine.size() - 1;
                }
            }
            assertThat(redelivered).as("callbacks delivered again after the scheduler kill").isLessThanOrEqualTo(2);
            assertThat(gale.lines("callbacks.txt")).hasSize(RUNS + redelivered);
        }
    }
}
