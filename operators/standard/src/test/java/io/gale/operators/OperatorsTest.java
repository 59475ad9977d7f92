package io.gale.operators;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.testing.Harness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorsTest {

    @TempDir
    Path home;

    @Test
    void bashOutputGoesToTheLogAndTheLastLineToXCom() throws Exception {
        var dag = Dag.builder("bash");
        dag.task("echo", new BashOperator("echo to-stdout; echo to-stderr >&2; echo \"$GREETING $GALE_CTX_TASK_ID\"; pwd")
                .env("GREETING", "hello").cwd(home));
        dag.task("fails", new BashOperator("echo about to fail; exit 3"));
        dag.task("skips", new BashOperator("exit 99"));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("bash", Map.of()));
            assertThat(h.states(run)).containsEntry("echo", "success").containsEntry("fails", "failed").containsEntry("skips", "skipped");
            String log = h.client().log("bash", run.runId(), "echo", null);
            assertThat(log).contains("to-stdout", "to-stderr", "hello echo");
            assertThat(h.client().xcoms("bash", run.runId(), "echo", "return_value").get(0).json()).isEqualTo("\"" + home + "\"");
            assertThat(h.client().log("bash", run.runId(), "fails", null))
                    .contains("about to fail", "CommandFailedException: command exited with code 3");
        }
    }

    @Test
    void aTimedOutCommandIsKilledWithItsBackgroundJobsBeforeTheTryEnds() throws Exception {
        Path pidFile = home.resolve("sleep.pid");
        Path bgFile = home.resolve("background.pid");
        var dag = Dag.builder("bash_timeout");
        dag.task("sleepy", new BashOperator("(trap '' TERM HUP; sleep 60) & echo $! > " + bgFile
                        + "; echo $$ > " + pidFile + "; exec sleep 60"))
                .executionTimeout(Duration.ofMillis(500));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("bash_timeout", Map.of()));
            assertThat(h.states(run)).containsEntry("sleepy", "failed");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            long background = Long.parseLong(Files.readString(bgFile).strip());
            // the try is reported over only once every process of it is gone
            assertThat(running(pid)).as("the command").isFalse();
            assertThat(running(background)).as("its background job").isFalse();
            String log = h.client().log("bash_timeout", run.runId(), "sleepy", null);
            assertThat(log).contains("timed out after 500 ms", "Command runs in process group " + pid + ",");
        }
    }

    @Test
    void backgroundJobsLeftBehindDieWhenTheCommandEndsAndStdinIsEmpty() throws Exception {
        Path bgFile = home.resolve("background.pid");
        var dag = Dag.builder("bash_leftovers");
        dag.task("leaves", new BashOperator("sleep 60 > /dev/null & echo $! > " + bgFile
                + "; read -r line; echo \"read exited $?\""));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("bash_leftovers", Map.of()));
            assertThat(h.states(run)).containsEntry("leaves", "success");
            assertThat(h.client().xcoms("bash_leftovers", run.runId(), "leaves", "return_value").get(0).json())
                    .isEqualTo("\"read exited 1\"");
            long background = Long.parseLong(Files.readString(bgFile).strip());
            assertThat(running(background)).as("the background job the command left").isFalse();
        }
    }

    /** Whether a process runs (a zombie has ended; only its parent has not collected it). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    @Test
    void httpOperatorOverARealSocket() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> {
            seen.add(ex.getRequestMethod() + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    + " " + ex.getRequestHeaders().getFirst("X-Token"));
            byte[] body = "{\"status\": \"reloaded\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/broken", ex -> {
            byte[] body = "internal error".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (Harness h = new Harness(home, dagWithHttp(base))) {
            DagRun run = h.runToEnd(h.trigger("http", Map.of()));
            assertThat(h.states(run)).containsEntry("post", "success").containsEntry("broken", "failed")
                    .containsEntry("picky", "failed");
            assertThat(h.client().xcoms("http", run.runId(), "post", "return_value").get(0).json())
                    .isEqualTo("\"{\\\"status\\\": \\\"reloaded\\\"}\"");
            assertThat(seen).contains("POST {\"model\": 1} secret-token");
            String log = h.client().log("http", run.runId(), "post", null);
            assertThat(log).contains("POST " + base + "/ok").doesNotContain("secret-token");
            assertThat(h.client().log("http", run.runId(), "broken", null)).contains("answered 500", "internal error");
        } finally {
            server.stop(0);
        }
    }

    private static Dag dagWithHttp(String base) {
        var dag = Dag.builder("http");
        dag.task("post", HttpOperator.post(base + "/ok", "{\"model\": 1}").header("X-Token", "secret-token"));
        dag.task("broken", HttpOperator.get(base + "/broken"));
        dag.task("picky", HttpOperator.get(base + "/ok").check(r -> r.body().contains("never")));
        return dag.build();
    }

    @Test
    void callableOperatorForms() throws Exception {
        var dag = Dag.builder("callables");
        dag.task("callable", CallableOperator.of(() -> 41 + 1));
        dag.task("function", CallableOperator.of(ctx -> ctx.taskId().toUpperCase()));
        dag.task("action", CallableOperator.run(ctx -> ctx.log().info("side effect")));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("callables", Map.of()));
            assertThat(run.state().id()).isEqualTo("success");
            assertThat(h.client().xcoms("callables", run.runId(), "callable", "return_value").get(0).json()).isEqualTo("42");
            assertThat(h.client().xcoms("callables", run.runId(), "function", "return_value").get(0).json()).isEqualTo("\"FUNCTION\"");
            assertThat(h.client().xcoms("callables", run.runId(), "action", null)).isEmpty();
        }
    }
}
