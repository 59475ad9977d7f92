package io.gale.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.core.DagRun;
import io.gale.core.TaskInstance;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.Store;
import io.gale.testing.Await;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real {@code gale scheduler} process whose database goes away mid-load: the embedded
 * PostgreSQL killed with -9, or an external PostgreSQL stopped for 10 s. The scheduler keeps
 * running, logs the outage once each way, and every task's side effect (a line appended to a
 * file) happens exactly once.
 */
class DatabaseOutageProcessTest {

    @RegisterExtension
    final GaleProcesses gale = new GaleProcesses();
    EmbeddedPostgres external;

    @AfterEach
    void stopExternal() throws Exception {
        gale.stopAll(); // before the server its scheduler uses goes
        if (external != null) {
            external.close();
        }
    }

    /** {@code runs} hourly runs of a chain of {@code tasks} tasks, each appending "start"/"done" lines around a sleep. */
    private void writeDag(String dagId, int runs, int tasks, long sleepMs) throws IOException {
        Path dags = Files.createDirectories(gale.home().resolve("dags"));
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
                    static String work(TaskContext ctx, long sleepMs) throws Exception {
                        append(ctx, "start");
                        Thread.sleep(sleepMs);
                        append(ctx, "done");
                        return "";
                    }
                    static void append(TaskContext ctx, String what) throws Exception {
                        synchronized (DagDefinition.class) {
                            Files.writeString(Path.of("%s"), what + " " + ctx.dagId() + "/" + ctx.runId() + "/" + ctx.taskId()
                                    + " " + ctx.tryNumber() + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                    }
                    public Dag define() {
                        var start = ZonedDateTime.parse("2026-01-01T00:00Z");
                        var dag = Dag.builder("%s").schedule("@hourly").catchup(true).maxActiveRuns(32)
                                .startDate(start).endDate(start.plusHours(%d));
                %s        return dag.build();
                    }
                }
                """.formatted(dagId, gale.home().resolve("executions.log"), dagId, runs - 1, body));
    }

    private Process scheduler(Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("GALE_DAGS_ARE_PAUSED_AT_CREATION", "false");
        return gale.start("scheduler", classpathWithoutExampleDags(), all, "scheduler");
    }

    /** The example DAGs (RecVAE training among them) would compete for the two cores: leave them out. */
    private static String classpathWithoutExampleDags() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("gale-dags-") && !e.replace('\\', '/').contains("/dags/target/"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }


    /** Lines of the side-effect file, "start|done dag/run/task try", counted. */
    private Map<String, Long> count(String what) {
        Path log = gale.home().resolve("executions.log");
        try {
            if (!Files.exists(log)) return Map.of();
            return Files.readAllLines(log).stream().map(l -> l.split(" ")).filter(l -> l[0].equals(what))
                    .collect(Collectors.groupingBy(l -> l[1], Collectors.counting()));
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static boolean allSucceeded(Store store, String dagId, int runs) {
        List<DagRun> all = store.runs().list(dagId);
        return all.size() == runs && all.stream().allMatch(r -> r.state().id().equals("success"));
    }

    /** Every task instance succeeded, and each one's side effect happened exactly once. */
    private void assertEachSideEffectOnce(Store store, String dagId, int tasksExpected) {
        Map<String, TaskInstance> tis = new HashMap<>();
        for (DagRun r : store.runs().list(dagId)) {
            store.taskInstances().forRun(dagId, r.runId()).forEach(t -> tis.put(dagId + "/" + r.runId() + "/" + t.taskId(), t));
        }
        assertThat(tis).hasSize(tasksExpected);
        Map<String, Long> starts = count("start");
        Map<String, Long> done = count("done");
        for (var e : tis.entrySet()) {
            assertThat(e.getValue().state().id()).as(e.getKey()).isEqualTo("success");
            assertThat(starts.get(e.getKey())).as("starts of " + e.getKey()).isEqualTo(1L);
            assertThat(done.get(e.getKey())).as("ends of " + e.getKey()).isEqualTo(1L);
        }
    }

    private void assertOutageLoggedOnceEachWayWithoutSql(Process scheduler) {
        assertThat(scheduler.isAlive()).as("the scheduler process is still running").isTrue();
        String out = gale.output("scheduler");
        assertThat(out).containsOnlyOnce("database unreachable, retrying in").containsOnlyOnce("database back after")
                .doesNotContain("SQL [").doesNotContain("\"task_instance\"").doesNotContain("Exception").doesNotContain("Error:");
        assertThat(out.indexOf("database back after")).isGreaterThan(out.indexOf("database unreachable"));
    }

    /**
     * The embedded server may be back before the scheduler's loop ever fails: its own pool (or the
     * change listener) restarts it and hands out fresh connections. Then nothing is logged as
     * unreachable; when something is, it is logged once each way.
     */
    private void assertSurvivedWithoutSql(Process scheduler) {
        assertThat(scheduler.isAlive()).as("the scheduler process is still running").isTrue();
        String out = gale.output("scheduler");
        assertThat(out).doesNotContain("SQL [").doesNotContain("\"task_instance\"").doesNotContain("Exception").doesNotContain("Error:");
        if (out.contains("database unreachable")) {
            assertOutageLoggedOnceEachWayWithoutSql(scheduler);
        }
    }

    private long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(gale.home().resolve("postgres/postmaster.pid")).get(0).trim());
    }

    @Test
    void theSchedulerSurvivesAKill9OfTheEmbeddedServerAndRunsEveryTaskOnce() throws Exception {
        writeDag("outage_dag", 6, 3, 1000);
        Process scheduler = scheduler(Map.of());
        Await.until(Duration.ofSeconds(60), "tasks to be under way",
                () -> count("done").size() >= 3 && count("start").size() > count("done").size());
        String port = Files.readString(gale.home().resolve("postgres.port")).trim();
        long pid = postmasterPid();

        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly(); // SIGKILL, tries are running
        Await.until(Duration.ofSeconds(10), "the postmaster to die", () -> !postmaster.isAlive());

        // any Gale process brings the server back, on the same port (here the test, through Database.open)
        try (Database db = Database.open(gale.config())) {
            assertThat(db.description()).endsWith("(port " + port + ")");
            assertThat(postmasterPid()).isNotEqualTo(pid);
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(60), "every run to succeed", () -> allSucceeded(store, "outage_dag", 6));
            Await.until(Duration.ofSeconds(10), "the scheduler to log its return, if it logged the outage",
                    () -> !gale.output("scheduler").contains("database unreachable") || gale.output("scheduler").contains("database back after"));
            assertEachSideEffectOnce(store, "outage_dag", 18);
        }
        assertThat(Files.readString(gale.home().resolve("postgres.port")).trim()).isEqualTo(port);
        assertSurvivedWithoutSql(scheduler);
    }

    @Test
    void theSchedulerSurvivesAnExternalServerStoppedForTenSeconds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = gale.home().resolve("external-pg");
        external = startExternal(data, port);
        try (Connection c = external.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("create database gale");
        }
        writeDag("outage_dag", 6, 3, 1000);
        writeDag("long_dag", 1, 1, 15_000); // one try that runs through the whole outage
        String url = "jdbc:postgresql://localhost:" + port + "/gale";
        Process scheduler = scheduler(Map.of("GALE_DATABASE_URL", url, "GALE_DATABASE_USER", "postgres"));
        Await.until(Duration.ofSeconds(60), "tasks to be under way", () -> count("done").size() >= 3
                && count("start").containsKey("long_dag/scheduled__2026-01-01T00:00:00+00:00/t0"));

        external.close(); // pg_ctl stop -m fast: clients are disconnected
        external = null;
        long stopped = System.nanoTime();
        Await.until(Duration.ofSeconds(30), "the scheduler to notice", () -> gale.output("scheduler").contains("database unreachable"));
        Await.until(Duration.ofSeconds(15), "a 10 s outage", () -> System.nanoTime() - stopped >= TimeUnit.SECONDS.toNanos(10));
        assertThat(gale.output("scheduler")).doesNotContain("database back");
        external = startExternal(data, port);

        try (Database db = Database.external(url, "postgres", null)) {
            Store store = new JooqStore(db);
            Await.until(Duration.ofSeconds(60), "every run to succeed",
                    () -> allSucceeded(store, "outage_dag", 6) && allSucceeded(store, "long_dag", 1));
            Await.until(Duration.ofSeconds(10), "the scheduler to log its return", () -> gale.output("scheduler").contains("database back after"));
            assertEachSideEffectOnce(store, "outage_dag", 18);
            assertEachSideEffectOnce(store, "long_dag", 1);
            // the long try outlived the zombie threshold (5 s) without heartbeats, and was not taken over
            assertThat(store.taskInstances().forRun("long_dag", "scheduled__2026-01-01T00:00:00+00:00").get(0).tryNumber()).isEqualTo(1);
        }
        assertOutageLoggedOnceEachWayWithoutSql(scheduler);
        // a service logs what it does, one line each (issue 8, section 6)
        String run = "scheduled__2026-01-01T00:00:00+00:00";
        assertThat(gale.output("scheduler")).containsOnlyOnce("DAG found: long_dag (")
                .containsOnlyOnce("Task long_dag.t0 (" + run + ") started try 1 of 3")
                .containsOnlyOnce("Task long_dag.t0 (" + run + ") ended try 1: success")
                .containsOnlyOnce("Run " + run + " of DAG long_dag is success");
    }

    private static EmbeddedPostgres startExternal(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)).start();
    }
}
