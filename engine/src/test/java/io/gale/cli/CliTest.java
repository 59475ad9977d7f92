package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.Json;
import io.gale.dagbag.DagBag;
import io.gale.testing.CliHarness;
import io.gale.testing.CliHarness.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in this JVM against a real PostgreSQL: output, exit codes and one-line errors. */
class CliTest {

    @TempDir
    Path home;
    CliHarness cli;

    @BeforeEach
    void setUp() {
        var demo = Dag.builder("demo").description("a demo").tags("t1").param("name", "world");
        var a = demo.task("a", ctx -> "hello " + ctx.param("name", String.class));
        var b = demo.task("b", ctx -> ctx.xcomPull("a", String.class).length());
        var c = demo.task("c", ctx -> {
            ctx.log().info("c ran");
            return null;
        });
        a.then(b).then(c);
        var failing = Dag.builder("failing");
        failing.task("boom", ctx -> {
            throw new IllegalStateException("kaboom");
        }).onFailure((ctx, e) -> ctx.log().info("alerted: {}", e.getMessage()));
        cli = new CliHarness(home, DagBag.of(demo.build(), failing.build()));
    }

    Result gale(String... args) {
        return cli.run(args);
    }

    private static void failsWith(Result r, String message) {
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: ").contains(message);
        assertThat(r.err().strip().lines().count()).as("one line: " + r.err()).isEqualTo(1);
    }

    @Test
    void listsDagsAsTableAndJson() {
        Result table = gale("dags", "list");
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("dag_id", "demo", "failing");
        Result json = gale("dags", "list", "-o", "json");
        List<?> parsed = Json.read(json.out(), List.class);
        assertThat(parsed).hasSize(2);
        assertThat(json.out()).contains("\"dagId\" : \"demo\"", "\"paused\" : true");
        failsWith(gale("dags", "list", "-o", "yaml"), "unknown output format 'yaml': use table or json");
    }

    @Test
    void showsTasksAndDot() {
        assertThat(gale("dags", "show", "demo").out()).contains("a", "all_success", "b", "c");
        assertThat(gale("dags", "show", "demo", "--dot").out()).contains("digraph \"demo\"", "\"a\" -> \"b\";", "\"b\" -> \"c\";");
        failsWith(gale("dags", "show", "nope"), "DAG 'nope' not found");
    }

    @Test
    void dagsTestNeverDeletesAnotherRunUnlessToldTo() {
        assertThat(gale("dags", "trigger", "demo", "-r", "by_hand", "-e", "2026-06-01T00:00").code()).isZero();
        failsWith(gale("dags", "test", "demo", "2026-06-01T00:00"),
                "DAG 'demo' already has run 'by_hand' (manual, queued) at logical date 2026-06-01T00:00:00Z: test at another date, or pass --replace");
        failsWith(gale("dags", "test", "demo", "2026-06-01T00:00", "--replace"), "not replacing run by_hand without confirmation: pass -y");
        assertThat(gale("dags", "list-runs", "-d", "demo").out()).contains("by_hand");

        Result replaced = gale("dags", "test", "demo", "2026-06-01T00:00", "--replace", "-y");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("DAG run test__2026-06-01T00:00:00+00:00 success");
        // an earlier test run at that date is replaced without asking
        Result again = gale("dags", "test", "demo", "2026-06-01T00:00");
        assertThat(again.code()).as(again.err()).isZero();
        String runs = gale("dags", "list-runs", "-d", "demo").out();
        assertThat(runs).doesNotContain("by_hand").contains("test__2026-06-01T00:00:00+00:00");
    }

    @Test
    void triggerRecordsAQueuedRunThatListRunsShows() {
        Result t = gale("dags", "trigger", "demo", "-r", "my_run", "-c", "{\"name\": \"gale\"}", "-e", "2026-05-01T10:00");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("Created my_run of DAG demo, state queued, logical date 2026-05-01T10:00:00Z");
        Result runs = gale("dags", "list-runs", "-d", "demo", "-o", "json");
        assertThat(runs.out()).contains("\"run_id\" : \"my_run\"", "\"state\" : \"queued\"", "\"name\" : \"gale\"");
        failsWith(gale("dags", "trigger", "demo", "-r", "my_run"), "already has a run with run id 'my_run'");
    }

    @Test
    void badTriggerInputWritesNothing() {
        failsWith(gale("dags", "trigger", "demo", "-c", "{not json"), "conf is not valid JSON");
        failsWith(gale("dags", "trigger", "demo", "-c", "[1, 2]"), "conf must be a JSON object");
        failsWith(gale("dags", "trigger", "nope"), "DAG 'nope' not found: run 'gale dags list'");
        failsWith(gale("dags", "trigger", "demo", "-e", "yesterday"), "'yesterday' is not a date");
        assertThat(gale("dags", "list-runs", "-d", "demo").out().lines().count()).isEqualTo(2); // header and rule only
        assertThat(gale("dags", "list-runs", "-d", "demo", "--bogus").code()).isEqualTo(2);
    }

    @Test
    void testRunsAWholeRunAndItsStateCanBeInspected() {
        Result t = gale("dags", "test", "demo", "2026-03-01", "-c", "{\"name\": \"cli\"}");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("a ", "success", "DAG run test__2026-03-01T00:00:00+00:00 success");
        String run = "test__2026-03-01T00:00:00+00:00";
        Result states = gale("tasks", "states-for-dag-run", "demo", run, "-o", "json");
        assertThat(Json.read(states.out(), List.class)).hasSize(3);
        assertThat(states.out()).contains("\"task_id\" : \"c\"", "\"state\" : \"success\"");
        assertThat(gale("tasks", "xcom", "demo", run, "a", "-k", "return_value").out().strip()).isEqualTo("\"hello cli\"");
        assertThat(gale("tasks", "xcom", "demo", run, "b").out()).contains("\"return_value\" : 9");
        assertThat(gale("tasks", "logs", "demo", run, "c").out()).contains("INFO - c ran", "Task ended success");
        failsWith(gale("tasks", "logs", "demo", run, "c", "--try", "9"), "has no try 9");
        failsWith(gale("tasks", "xcom", "demo", run, "c", "-k", "return_value"), "no XCom 'return_value' for task 'c'");
        failsWith(gale("tasks", "xcom", "demo", run, "zz"), "task 'zz' not found in DAG 'demo'");
        failsWith(gale("tasks", "states-for-dag-run", "demo", "nope"), "DAG run 'nope' of DAG 'demo' not found");

        // running the same logical date again replaces the run
        assertThat(gale("dags", "test", "demo", "2026-03-01").code()).isZero();
        assertThat(gale("dags", "list-runs", "-d", "demo", "-o", "json").out()).containsOnlyOnce("test__2026-03-01");
    }

    @Test
    void aFailingRunExitsNonZero() {
        Result t = gale("dags", "test", "failing");
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.out()).contains("boom", "failed");
    }

    @Test
    void aRunsCallbacksAreListedWithWhereTheyStandAndRunInTasksTest() {
        assertThat(gale("dags", "test", "failing", "2026-03-01").code()).isEqualTo(1);
        String run = "test__2026-03-01T00:00:00+00:00";
        // dags test waits for the callback; it ran in the scheduler and logged to the try's log
        assertThat(gale("tasks", "logs", "failing", run, "boom").out())
                .contains("Task ended failed", "alerted: IllegalStateException: kaboom", "Ran the on_failure callback");
        Result table = gale("tasks", "callbacks", "failing", run);
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("task_id", "boom", "on_failure", "delivered");
        Result json = gale("tasks", "callbacks", "failing", run, "-o", "json");
        assertThat(Json.read(json.out(), List.class)).hasSize(1);
        assertThat(json.out()).contains("\"kind\" : \"on_failure\"", "\"status\" : \"delivered\"", "\"attempts\" : 1");
        failsWith(gale("tasks", "callbacks", "failing", "nope"), "DAG run 'nope' of DAG 'failing' not found");

        // tasks test records nothing: the callback runs right after the try
        Result t = gale("tasks", "test", "failing", "boom");
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.out()).contains("Task ended failed", "alerted: IllegalStateException: kaboom", "Task boom failed");
    }

    @Test
    void clearResetsTasksAndDownstream() {
        assertThat(gale("dags", "test", "demo", "2026-03-01").code()).isZero();
        String run = "test__2026-03-01T00:00:00+00:00";
        failsWith(gale("tasks", "clear", "demo", "-t", "^b$"), "not clearing without confirmation: pass -y");
        failsWith(gale("tasks", "clear", "demo", "-t", "(", "-y"), "is not a valid regular expression");
        Result cleared = gale("tasks", "clear", "demo", "-t", "^b$", "-d", "-y");
        assertThat(cleared.out()).contains("Cleared 2 task instances.");
        String states = gale("tasks", "states-for-dag-run", "demo", run, "-o", "json").out();
        assertThat(Json.read(states, List.class)).extracting(m -> ((Map<?, ?>) m).get("task_id") + "=" + ((Map<?, ?>) m).get("state"))
                .containsExactly("a=success", "b=none", "c=none");
        assertThat(gale("dags", "list-runs", "-d", "demo").out()).contains("queued");
        failsWith(gale("tasks", "xcom", "demo", run, "b", "-k", "return_value"), "no XCom");
    }

    @Test
    void tasksTestRunsOneTaskAndRecordsNothing() {
        Result t = gale("tasks", "test", "demo", "a");
        assertThat(t.code()).isZero();
        assertThat(t.out()).contains("Starting try 1", "XCom return_value = \"hello world\"", "Task a success");
        assertThat(gale("dags", "list-runs", "-d", "demo").out().lines().count()).isEqualTo(2);
        failsWith(gale("tasks", "test", "demo", "nope"), "task 'nope' not found in DAG 'demo'");
        assertThat(gale("tasks", "test", "failing", "boom").code()).isEqualTo(1);
    }

    @Test
    void pauseUnpauseAndVersion() {
        assertThat(gale("dags", "unpause", "demo").out()).contains("paused: false");
        assertThat(gale("dags", "list", "-o", "json").out()).contains("\"paused\" : false");
        failsWith(gale("dags", "pause", "nope"), "DAG 'nope' not found");
        assertThat(gale("version").out().strip()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(gale("dags", "--help").out()).contains("trigger", "list-runs");
        assertThat(gale("db", "migrate").out()).contains("Database is up to date");
    }
}
