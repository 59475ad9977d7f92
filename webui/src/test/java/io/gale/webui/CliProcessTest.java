package io.gale.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.config.GaleConfig;
import io.gale.core.Json;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Separate {@code gale} processes sharing one GALE_HOME, as a person at a shell uses them. */
class CliProcessTest {

    @TempDir
    Path home;

    record Result(int code, String out, String err) {
    }

    Result gale(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), Gale.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GALE_"));
        env.put("GALE_HOME", home.toString());
        env.putAll(extraEnv);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("gale " + String.join(" ", args) + " finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    Result gale(String... args) throws IOException, InterruptedException {
        return gale(Map.of(), args);
    }

    @Test
    void stateSurvivesBetweenProcesses() throws Exception {
        Result trigger = gale("dags", "trigger", "example_pipeline", "-r", "from_cli", "-c", "{\"k\": 1}");
        assertThat(trigger.code()).as(trigger.err()).isZero();
        Result runs = gale("dags", "list-runs", "-d", "example_pipeline", "-o", "json");
        assertThat(runs.code()).as(runs.err()).isZero();
        List<?> parsed = Json.read(runs.out(), List.class);
        assertThat(parsed).hasSize(1);
        assertThat(((Map<?, ?>) parsed.get(0)).get("run_id")).isEqualTo("from_cli");
        assertThat(((Map<?, ?>) parsed.get(0)).get("state")).isEqualTo("queued");
        assertThat(Files.exists(home.resolve("postgres/postmaster.pid"))).as("the server stopped with the last process").isFalse();
    }

    @Test
    void aCommandAttachesToTheServerAnotherProcessHolds() throws Exception {
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));
        try (Database held = Database.open(config)) {
            String pid = Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0);
            Result r = gale("dags", "test", "example_trigger_rules", "2026-02-01");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("join_one_failed", "upstream_failed", "DAG run test__2026-02-01T00:00:00+00:00 success");
            assertThat(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0)).isEqualTo(pid);
            // the other process's run is visible here, and this process's connection still works
            assertThat(new JooqStore(held).runs().list("example_trigger_rules")).hasSize(1);
        }
    }

    @Test
    void unreachableDatabaseUrlFailsInOneLineWithoutThePassword() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GALE_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/gale");
        env.put("GALE_DATABASE_USER", "gale");
        env.put("GALE_DATABASE_PASSWORD", "hunter2");
        Result r = gale(env, "dags", "list");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("Error: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/gale")
                .doesNotContain("hunter2");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void aBrokenDagFileIsListedAndTheRestStillLoads() throws Exception {
        Path dags = Files.createDirectories(home.resolve("dags"));
        Files.writeString(dags.resolve("Broken.java"), "public class Broken implements io.gale.api.DagDefinition { oops }");
        Result list = gale("dags", "list", "-o", "json");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("example_pipeline").doesNotContain("Broken");
        Result errors = gale("dags", "list-import-errors");
        assertThat(errors.out()).contains(dags.resolve("Broken.java").toString(), "compilation failed: Broken.java:1:");
    }
}
