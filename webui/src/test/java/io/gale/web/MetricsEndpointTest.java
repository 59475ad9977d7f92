package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.config.GaleConfig;
import io.gale.core.Role;
import io.gale.dagbag.DagBag;
import io.gale.runtime.Engine;
import io.gale.testing.Dags;
import io.gale.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web server's {@code GET /metrics} over a real socket: public by default, behind a login when asked. */
class MetricsEndpointTest {

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Engine engine() {
        DagBag bag = DagBag.of(Dags.single("counted"));
        Engine engine = new Engine(GaleConfig.from(Map.of("GALE_HOME", home.toString())), TestDatabase.fresh(), bag,
                Clock.systemUTC(), Map.of());
        engine.operations().syncDags(bag);
        return engine;
    }

    @Test
    void prometheusReadsRunsByStateWithoutCredentials() throws Exception {
        try (Engine engine = engine()) {
            engine.operations().trigger("counted", Map.of(), null, null);
            engine.operations().trigger("counted", Map.of(), null, java.time.Instant.parse("2026-01-01T00:00:00Z"));
            try (WebServer server = WebserverCommand.start(engine, 0, "127.0.0.1", Map.of())) {
                HttpResponse<String> r = get(server.port(), "/metrics", null);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
                assertThat(r.body()).containsPattern("(?m)^gale_dag_runs\\{state=\"queued\"} 2\\.0$")
                        .containsPattern("(?m)^gale_dag_runs\\{state=\"success\"} 0\\.0$")
                        .contains("# TYPE gale_scheduler_loop_duration_seconds histogram")
                        .contains("jvm_threads_live_threads");
            }
        }
    }

    @Test
    void withRequireLoginOnlyUsersWhoMayReadGetThem() throws Exception {
        try (Engine engine = engine();
             WebServer server = WebserverCommand.start(engine, 0, "127.0.0.1", Map.of("GALE_METRICS_REQUIRE_LOGIN", "true"))) {
            server.backend().auth().users().create("viewer", "viewer-password", Role.VIEWER);
            assertThat(get(server.port(), "/metrics", null).statusCode()).isEqualTo(401);
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/auth/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"viewer\", \"password\": \"viewer-password\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String access = WebServer.JSON.readTree(token.body()).get("access_token").asText();
            HttpResponse<String> r = get(server.port(), "/metrics", access);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("gale_dag_runs{state=\"queued\"}");
        }
    }
}
