package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.testing.Await;
import io.gale.webui.Gale;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale standalone} and {@code gale users} as separate processes, as a person at a shell runs them. */
class WebserverProcessTest {

    @TempDir
    Path home;

    private ProcessBuilder gale(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), Gale.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
        pb.environment().put("GALE_HOME", home.toString());
        pb.environment().putAll(env);
        return pb;
    }

    private String run(String... args) throws IOException, InterruptedException {
        Process p = gale(Map.of(), args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("gale " + String.join(" ", args) + ":\n" + out).isZero();
        return out;
    }

    /** A running process whose output is collected as it comes. */
    private record Running(Process process, StringBuffer output) {
        static Running start(ProcessBuilder pb) throws IOException {
            Process p = pb.start();
            StringBuffer out = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            return new Running(p, out);
        }

        void stop() throws InterruptedException {
            process.destroy(); // SIGTERM: the shutdown hooks stop the scheduler and the server
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("standalone stopped; output:\n" + output).isTrue();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void standalonePrintsTheUrlAndTheAdminsPasswordAndUsersAreManagedFromTheShell() throws Exception {
        int port = freePort();
        Running first = Running.start(gale(Map.of("GALE_WEBSERVER_PORT", Integer.toString(port)), "standalone"));
        String password;
        try {
            Await.until(Duration.ofSeconds(90), "standalone to print the admin's password; output so far:\n" + first.output(),
                    () -> first.output().toString().contains("Stop with Ctrl-C"));
            String out = first.output().toString();
            assertThat(out).contains("Web UI:   http://localhost:" + port + "/");
            Matcher m = Pattern.compile("Created user 'admin' with password (\\S+)").matcher(out);
            assertThat(m.find()).as(out).isTrue();
            password = m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/auth/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + password + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
            String jwt = WebServer.JSON.readTree(token.body()).get("access_token").asText();
            HttpResponse<String> dags = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/dags"))
                    .header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dags.statusCode()).isEqualTo(200);
            assertThat(dags.body()).contains("example_pipeline");
        } finally {
            first.stop();
        }

        String users = run("users", "list");
        assertThat(users).contains("admin", "admin ").doesNotContain(password);
        String created = run("users", "create", "-u", "alice", "-r", "viewer");
        assertThat(created).contains("Password for 'alice' (shown once): ", "User 'alice' created with role viewer.");

    }
}
