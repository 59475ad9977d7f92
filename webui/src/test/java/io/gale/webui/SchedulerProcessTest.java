package io.gale.webui;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real {@code gale scheduler} processes on one GALE_HOME: killed with SIGKILL mid-run and
 * replaced, or two at once. Executions are counted through lines the tasks append to a file.
 */
class SchedulerProcessTest {

    @RegisterExtension
    final GaleProcesses gale = new GaleProcesses();

    /**
     * Start and end of an hourly schedule with exactly {@code runs} runs whatever the time: they
     * begin at midnight UTC two days ago, so every interval ended long before the test runs.
     */
    private static String[] hourlyWindow(int runs) {
        ZonedDateTime start = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).minusDays(2);
        return new String[] {start.toString(), start.plusHours(runs - 1).toString()};
    }

    /** A DAG file whose tasks append "start"/"done" lines; hourly with {@code hours} runs of catchup. */
    private void writeDag(String dagId, int hours, int tasks, long sleepMs) throws IOException {
        Path dags = Files.createDirectories(gale.home().resolve("dags"));
        String[] window = hourlyWindow(hours);
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
                                .startDate(ZonedDateTime.parse("%s")).endDate(ZonedDateTime.parse("%s"));
                %s        return dag.build();
                    }
                }
                """.formatted(dagId, dagId, gale.home().resolve("executions.log"), dagId, window[0], window[1], body));
    }

    private Process scheduler(String name) throws IOException {
        return scheduler(name, Map.of());
    }

    private Process scheduler(String name, Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("GALE_DAGS_ARE_PAUSED_AT_CREATION", "false");
        return gale.scheduler(name, all);
    }

    private List<String[]> lines() throws IOException {
        Path log = gale.home().resolve("executions.log");
        if (!Files.exists(log)) return List.of();
        return Files.readAllLines(log).stream().map(l -> l.split(" ")).toList();
    }

    private Database open() {
        return Database.open(gale.config());
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

    /** One try of a task as its side-effect lines show it: start, and end unless it was killed. */
    record Try(String task, int number, long start, Long end) {
    }

    /**
     * A DAG of Bash tasks: {@code slow} sleeps 25 s in its first try (1 s in a retry) beside a
     * fan {@code s0 -> s1..s8 -> s9} of one-second tasks, 3 hourly runs. Each try appends
     * {@code start RUN TASK TRY EPOCH_MS} and {@code end ...} lines through a script whose path
     * marks its processes. {@code s1..s8} wait for the file {@code gate} (2 minutes at most) before
     * their sleep, so that the test can kill the scheduler while they run and while no try is
     * between its last side effect and the commit of its success (a kill there repeats the try,
     * as in Airflow: that is at-least-once delivery, not a survivor).
     */
    private Path writeBashDag(String dagId, int runs) throws IOException {
        Path dags = Files.createDirectories(gale.home().resolve("dags"));
        Path script = gale.home().resolve("side-effect.sh");
        Files.writeString(script, """
                key="$GALE_CTX_RUN_ID $GALE_CTX_TASK_ID $GALE_CTX_TRY_NUMBER"
                echo "start $key $(date +%%s%%3N)" >> '%s'
                if [ -n "$3" ]; then for i in $(seq 600); do [ -e "$3" ] && break; sleep 0.2; done; fi
                if [ "$GALE_CTX_TRY_NUMBER" = 1 ]; then sleep "$1"; else sleep "$2"; fi
                echo "end $key $(date +%%s%%3N)" >> '%s'
                """.formatted(gale.home().resolve("executions.log"), gale.home().resolve("executions.log")));
        String[] window = hourlyWindow(runs);
        Files.writeString(dags.resolve(dagId + ".java"), """
                import io.gale.api.*;
                import io.gale.operators.BashOperator;
                import java.time.*;

                public class %s implements DagDefinition {
                    static Task bash(Dag.Builder dag, String id, String args) {
                        return dag.task(id, new BashOperator("bash '%s' " + args)).retries(2).retryDelay(Duration.ofSeconds(1));
                    }
                    public Dag define() {
                        var dag = Dag.builder("%s").schedule("@hourly").catchup(true).maxActiveRuns(32)
                                .startDate(ZonedDateTime.parse("%s")).endDate(ZonedDateTime.parse("%s"));
                        bash(dag, "slow", "25 1");
                        var first = bash(dag, "s0", "1 1");
                        var last = bash(dag, "s9", "1 1");
                        for (int i = 1; i <= 8; i++) {
                            first.then(bash(dag, "s" + i, "1 1 '%s'")).then(last);
                        }
                        return dag.build();
                    }
                }
                """.formatted(dagId, script, dagId, window[0], window[1], gale.home().resolve("gate")));
        return script;
    }

    /** Pids of live processes whose command line mentions {@code marker} (what {@code pgrep -f} finds). */
    private static List<Long> processesMentioning(String marker) throws IOException {
        List<Long> found = new ArrayList<>();
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : procs) {
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
                    if (cmdline.contains(marker)) {
                        found.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }

    /** The process group of a live process ({@code /proc/PID/stat}), or null when it is gone. */
    private static Long processGroupOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
        } catch (IOException gone) {
            return null;
        }
    }

    private Map<String, List<Try>> triesByTask() throws IOException {
        Map<String, Long> ends = new HashMap<>();
        List<String[]> all = lines();
        for (String[] l : all) {
            if (l[0].equals("end")) {
                assertThat(ends.put(l[1] + " " + l[2] + " " + l[3], Long.parseLong(l[4]))).as("second end of " + String.join(" ", l)).isNull();
            }
        }
        Map<String, List<Try>> tries = new HashMap<>();
        for (String[] l : all) {
            if (l[0].equals("start")) {
                String key = l[1] + " " + l[2] + " " + l[3];
                tries.computeIfAbsent(l[1] + " " + l[2], k -> new ArrayList<>())
                        .add(new Try(l[2], Integer.parseInt(l[3]), Long.parseLong(l[4]), ends.get(key)));
            }
        }
        return tries;
    }

    @Test
    void bashTriesDieWithTheirKilledSchedulerAndRetriesNeverOverlapThem() throws Exception {
        Path script = writeBashDag("bash_crash", 3);
        Map<String, String> env = Map.of("GALE_PARALLELISM", "8");
        Process first = scheduler("first", env);
        Await.until(Duration.ofSeconds(90), "the slow tasks and some gated ones to be under way", () -> {
            try {
                var tries = triesByTask().values().stream().flatMap(List::stream).toList();
                return tries.stream().filter(t -> t.task().equals("slow")).count() == 3
                        && tries.stream().filter(t -> t.task().equals("s0") && t.end() != null).count() == 3
                        && tries.stream().anyMatch(t -> t.task().matches("s[1-8]"));
            } catch (IOException e) {
                return false;
            }
        });
        try (Database db = open()) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(30), "s0 to be committed as a success in every run", () -> store.runs().list("bash_crash").stream()
                    .flatMap(r -> store.taskInstances().forRun("bash_crash", r.runId()).stream())
                    .filter(t -> t.taskId().equals("s0") && t.state().id().equals("success")).count() == 3);
        }
        List<Long> atWork = processesMentioning(script.toString());
        assertThat(atWork).as("tries running before the kill").isNotEmpty();
        try (Database db = open()) {
            // each running try records its process group: that of the processes running its command
            List<Long> groups = new ArrayList<>();
            for (DagRun r : new JooqStore(db).runs().list("bash_crash")) {
                new JooqStore(db).taskInstances().forRun("bash_crash", r.runId()).stream()
                        .filter(t -> t.taskId().equals("slow")).forEach(t -> groups.add(t.processGroup()));
            }
            assertThat(groups).as("process groups of the slow tries").doesNotContainNull().hasSize(3);
            assertThat(atWork.stream().map(SchedulerProcessTest::processGroupOf).toList()).as("groups of the running commands")
                    .containsAll(groups);
        }
        first.destroyForcibly(); // SIGKILL: the JVM cannot clean up
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Await.until(Duration.ofSeconds(5), "every process of the killed scheduler's tries to be gone", () -> {
            try {
                return processesMentioning(script.toString()).isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
        long allGone = System.currentTimeMillis();
        Files.createFile(gale.home().resolve("gate"));
        Map<String, List<Try>> atKill = triesByTask();
        List<String> cut = atKill.values().stream().flatMap(List::stream).filter(t -> t.end() == null).map(Try::task).toList();
        assertThat(cut).as("tries cut short by the kill").filteredOn("slow"::equals).hasSize(3);
        assertThat(cut).as("tries cut short by the kill").anyMatch(t -> t.matches("s[1-8]"));

        scheduler("second", env);
        try (Database db = open()) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(120), "every run to succeed", () -> allSucceeded(store, "bash_crash", 3));
            Map<String, List<Try>> tries = triesByTask();
            assertThat(tries).hasSize(3 * 11);
            Map<String, TaskInstance> tis = new HashMap<>();
            for (DagRun r : store.runs().list("bash_crash")) {
                store.taskInstances().forRun("bash_crash", r.runId()).forEach(t -> tis.put(r.runId() + " " + t.taskId(), t));
            }
            assertThat(tis).hasSize(3 * 11);
            tries.forEach((task, list) -> {
                // exactly one side effect per task, by the try the database ended with
                List<Try> ended = list.stream().filter(t -> t.end() != null).toList();
                assertThat(ended).as(task).hasSize(1);
                assertThat(ended.get(0).number()).as(task).isEqualTo(tis.get(task).tryNumber());
                assertThat(list.stream().map(Try::number).distinct().count()).as("a try of " + task + " started twice")
                        .isEqualTo(list.size());
                // a killed try ends when its processes were all gone; none wrote after that
                List<Try> sorted = list.stream().sorted(java.util.Comparator.comparingLong(Try::start)).toList();
                for (int i = 0; i < sorted.size(); i++) {
                    Try t = sorted.get(i);
                    long end = t.end() == null ? allGone : t.end();
                    if (t.end() == null) {
                        assertThat(t.start()).as("only the kill cuts a try short: " + task + " " + t).isLessThanOrEqualTo(allGone);
                    }
                    if (t.start() <= allGone) {
                        assertThat(end).as("a try of the killed scheduler wrote after its processes were gone: " + task + " " + t)
                                .isLessThanOrEqualTo(allGone);
                    }
                    if (i > 0) {
                        Try before = sorted.get(i - 1);
                        long beforeEnd = before.end() == null ? allGone : before.end();
                        assertThat(t.start()).as(task + ": " + t + " overlaps " + before).isGreaterThanOrEqualTo(beforeEnd);
                    }
                }
            });
            assertThat(tis).allSatisfy((k, ti) -> assertThat(ti.state().id()).as(k).isEqualTo("success"));
            assertThat(tis.entrySet().stream().filter(e -> e.getKey().endsWith(" slow")))
                    .as("the slow tries cut by the kill were retried")
                    .allSatisfy(e -> assertThat(e.getValue().tryNumber()).as(e.getKey()).isGreaterThan(1));
            TaskInstance slow = tis.entrySet().stream().filter(e -> e.getKey().endsWith(" slow")).findFirst().orElseThrow().getValue();
            assertThat(store.logs().get(slow.key(), slow.tryNumber()).orElse("")).containsPattern("Command runs in process group \\d+");
        }
    }
}
