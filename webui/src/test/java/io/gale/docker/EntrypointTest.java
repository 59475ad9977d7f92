package io.gale.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's entry point ({@code docker/entrypoint.sh}) run with bash, with a fake {@code gale} that records its calls. */
class EntrypointTest {

    private static final Path SCRIPT = Path.of("..", "docker", "entrypoint.sh").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** A fake gale: appends its arguments (and stdin, for users create) to calls.txt; for "serve" prints its pid, waits, logs SIGTERM. */
    private Path fakeGale() throws IOException {
        Path fake = dir.resolve("gale");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                calls="$(dirname "$0")/calls.txt"
                echo "$*" >> "$calls"
                case "$1 $2" in
                  "users list") echo '[]' ;;
                  "users create") IFS= read -r password; echo "stdin:$password" >> "$calls" ;;
                  "serve "*)
                    trap 'echo TERM >> "$calls"; kill $! 2>/dev/null; exit 143' TERM
                    echo "ready $$"
                    sleep 30 & wait ;;
                esac
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fake;
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
        pb.environment().put("GALE_BIN", fakeGale().toString());
        pb.environment().putAll(env);
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        return pb.start();
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"));
    }

    private List<String> calls() throws IOException {
        Path calls = dir.resolve("calls.txt");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void aMissingDatabaseFailsAfterItsDeadlineWithOneLineAndNoSecret() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        Process p = start(Map.of("GALE_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/gale?user=gale&password=hunter22",
                "GALE_DATABASE_PASSWORD", "hunter22", "GALE_DB_WAIT_TIMEOUT", "2", "GALE_MIGRATE", "true"), "scheduler");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("gives up by itself").isTrue();
        double took = (System.nanoTime() - t0) / 1e9;
        String err = stderr();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err.lines().toList()).containsExactly("gale-entrypoint: database 127.0.0.1:" + closed
                + " not reachable after 2 s (GALE_DATABASE_URL); is it up?");
        assertThat(err).doesNotContain("hunter22");
        assertThat(took).as("waited for its deadline, not much longer").isBetween(2.0, 20.0);
        assertThat(calls()).as("gale never ran").isEmpty();
    }

    @Test
    void migratesAndCreatesTheAdminWhenAskedThenExecsTheCommandSoSignalsReachIt() throws Exception {
        try (ServerSocket db = new ServerSocket(0)) {
            Process p = start(Map.of("GALE_DATABASE_URL", "jdbc:postgresql://gale:secret@127.0.0.1:" + db.getLocalPort() + "/gale",
                    "GALE_MIGRATE", "true", "GALE_CREATE_ADMIN", "true", "GALE_ADMIN_PASSWORD", "s3cret pass"),
                    "serve", "--port", "8000");
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).as("the command started").isNotNull().startsWith("ready ");
            assertThat(Long.parseLong(ready.substring(6))).as("exec: the command is the entry point's own process").isEqualTo(p.pid());
            p.destroy(); // SIGTERM, as docker stop sends to PID 1
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            String err = stderr();
            assertThat(err).doesNotContain("secret", "s3cret");
        }
        assertThat(calls()).containsExactly("db migrate", "users list -o json", "users create -u admin -r admin --password-stdin",
                "stdin:s3cret pass", "serve --port 8000", "TERM");
    }

    @Test
    void withoutADatabaseUrlTheCommandRunsAtOnce() throws Exception {
        Process p = start(Map.of("GALE_WORKER_TOKEN", "t"), "worker", "--queues", "default", "--api-url", "http://webserver:8080");
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(calls()).containsExactly("worker --queues default --api-url http://webserver:8080");
    }

    @Test
    void aUrlThatIsNotPostgresIsRefused() throws Exception {
        Process p = start(Map.of("GALE_DATABASE_URL", "mysql://db/gale"), "scheduler");
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(stderr().strip())
                .isEqualTo("gale-entrypoint: GALE_DATABASE_URL must be a jdbc:postgresql://host:port/db URL");
        assertThat(calls()).isEmpty();
    }
}
