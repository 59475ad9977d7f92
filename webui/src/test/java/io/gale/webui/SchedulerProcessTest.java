package io.gale.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.core.TaskInstance;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.Store;
import io.gale.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code gale scheduler} processes on one GALE_HOME: killed with SIGKILL mid-run and
 * replaced, or two at once. Executions are counted through lines the tasks append to a file.
 */
class SchedulerProcessTest {

    @TempDir
    Path home;
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A DAG file whose tasks append "start"/"done" lines; hourly with catchup from {@code hours} ago. */
    private void writeDag(String dagId, int hours, int tasks, long sleepMs) throws IOException {
        Path dags = Files.createDirectories(home.resolve("dags"));
        String start = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusHours(hours).toString();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < tasks; i++) {
            body.append("        var t").append(i).append(" = dag.task(\"t").append(i).append("\", ctx -> work(ctx, ").append(sleepMs).append("))")
                    .append(".retries(2).retryDelay(Duration.ofSeconds(1));\n");
            if (i > 0) body.append("        t").append(i - 1).append(".then(t").append(i).append(");\n");
        }
        Files.writeString(dags.resolve(dagId + ".java"), """
                import io.gale.api.*;
                import java.nio.file.*;
                import java.time.*;

                public class %s implements DagDefinition {
                    static synchronized String work(TaskContext ctx, long sleepMs) throws Exception {
                        return append(ctx, "start") + sleep(sleepMs) + append(ctx, "done");
                    }
                    static String sleep(long ms) throws Exception { Thread.sleep(ms); return ""; }
                    static String append(TaskContext ctx, String what) throws Exception {
                        synchronized (%s.class) {
                            Files.writeString(Path.of("%s"), what + " " + ctx.runId() + " " + ctx.taskId() + " " + ctx.tryNumber()
                                    + " " + ProcessHandle.current().pid() + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                        return "";
                    }
                    public Dag define() {
                        var dag = Dag.builder("%s").schedule("@hourly").catchup(true).maxActiveRuns(32)
                                .startDate(ZonedDateTime.parse("%s"));
                %s        return dag.build();
                    }
                }
                """.formatted(dagId, dagId, home.resolve("executions.log"), dagId, start, body));
    }

    private Process scheduler(String name) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), Gale.class.getName(), "scheduler");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
        pb.environment().putAll(Map.of("GALE_HOME", home.toString(), "GALE_DAGS_ARE_PAUSED_AT_CREATION", "false",
                "GALE_HEARTBEAT", "1", "GALE_ZOMBIE_THRESHOLD", "5", "GALE_PARALLELISM", "4", "GALE_DAG_DIR_LIST_INTERVAL", "1"));
        Process p = pb.redirectErrorStream(true).redirectOutput(home.resolve(name + ".out").toFile()).start();
        processes.add(p);
        return p;
    }

    private List<String[]> lines() throws IOException {
        Path log = home.resolve("executions.log");
        if (!Files.exists(log)) return List.of();
        return Files.readAllLines(log).stream().map(l -> l.split(" ")).toList();
    }

    private Database open() {
        return Database.open(GaleConfig.from(Map.of("GALE_HOME", home.toString())));
    }

    private static boolean allSucceeded(Store store, String dagId, int runs) {
        List<DagRun> all = store.runs().list(dagId);
        return all.size() == runs && all.stream().allMatch(r -> r.state().id().equals("success"));
    }

    @Test
    void aSchedulerKilledMidRunIsReplacedAndEveryTaskSucceedsOnce() throws Exception {
        writeDag("crash_dag", 6, 3, 1500);
        Process first = scheduler("first");
        Await.until(Duration.ofSeconds(120), "tasks to be under way",
                () -> { try { return lines().stream().filter(l -> l[0].equals("done")).count() >= 3; } catch (IOException e) { return false; } });
        first.destroyForcibly(); // SIGKILL: no shutdown hook, tries in flight are lost
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long doneAtKill = lines().stream().filter(l -> l[0].equals("done")).count();
        assertThat(doneAtKill).isLessThan(18);

        scheduler("second");
        try (Database db = open()) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(180), "every run to succeed", () -> allSucceeded(store, "crash_dag", 6));
            // lines per (run, task, try)
            Map<String, Long> done = lines().stream().filter(l -> l[0].equals("done"))
                    .collect(Collectors.groupingBy(l -> l[1] + " " + l[2] + " " + l[3], Collectors.counting()));
            Map<String, Long> starts = lines().stream().filter(l -> l[0].equals("start"))
                    .collect(Collectors.groupingBy(l -> l[1] + " " + l[2] + " " + l[3], Collectors.counting()));
            Map<String, TaskInstance> tis = new HashMap<>();
            for (DagRun r : store.runs().list("crash_dag")) {
                store.taskInstances().forRun("crash_dag", r.runId()).forEach(t -> tis.put(r.runId() + " " + t.taskId(), t));
            }
            assertThat(tis).hasSize(18); // 6 runs x 3 tasks
            for (var e : tis.entrySet()) {
                TaskInstance ti = e.getValue();
                String last = e.getKey() + " " + ti.tryNumber();
                assertThat(ti.state().id()).as(e.getKey()).isEqualTo("success");
                // the try that succeeded ran exactly once, start to end
                assertThat(starts.get(last)).as(last).isEqualTo(1L);
                assertThat(done.get(last)).as(last).isEqualTo(1L);
            }
            // no try ran that the database does not know of, and none ran twice
            assertThat(starts).allSatisfy((k, n) -> {
                assertThat(n).as(k).isEqualTo(1L);
                String[] p = k.split(" ");
                assertThat(Integer.parseInt(p[2])).as(k).isLessThanOrEqualTo(tis.get(p[0] + " " + p[1]).tryNumber());
            });
            assertThat(tis.values().stream().filter(t -> t.tryNumber() > 1)).as("the tries interrupted by the kill were retried")
                    .isNotEmpty();
            var lost = tis.values().stream().filter(t -> t.tryNumber() > 1).findFirst().orElseThrow();
            assertThat(store.logs().get(lost.key(), 1).orElse("")).contains("was lost: its scheduler");
        }
    }

    @Test
    void twoSchedulersShareTheWorkWithoutDuplicates() throws Exception {
        writeDag("shared_dag", 24, 3, 50);
        scheduler("a");
        scheduler("b");
        try (Database db = open()) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(240), "every run to succeed", () -> allSucceeded(store, "shared_dag", 24));
            List<String[]> done = lines().stream().filter(l -> l[0].equals("done")).toList();
            Map<String, Long> perTask = done.stream().collect(Collectors.groupingBy(l -> l[1] + " " + l[2], Collectors.counting()));
            assertThat(perTask).hasSize(72).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
            assertThat(lines().stream().filter(l -> l[0].equals("start")).count()).isEqualTo(72);
            assertThat(store.runs().list("shared_dag").stream().map(DagRun::logicalDate).distinct().count()).isEqualTo(24);
        }
    }
}
