package io.gale.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.config.GaleConfig;
import io.gale.core.Role;
import io.gale.dagbag.DagBag;
import io.gale.dags.ExamplePipeline;
import io.gale.dags.ExampleTriggerRules;
import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.testing.TestDatabase;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A web server on a free port over a fresh embedded-PostgreSQL database with the example DAGs
 * recorded, users {@code admin}, {@code op} and {@code viewer} (password {@code <name>-password}),
 * and on request a scheduler running them.
 */
final class TestServer implements AutoCloseable {

    final Engine engine;
    final WebServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread scheduler;
    private final StringWriter schedulerErrors = new StringWriter();

    TestServer(Path home) {
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString(), "GALE_STANDALONE_DAG_PROCESSOR", "true",
                "GALE_HEARTBEAT", "1"));
        DagBag bag = DagBag.of(new ExamplePipeline().define(), new ExampleTriggerRules().define(), webTest());
        engine = new Engine(config, TestDatabase.fresh(), bag, Clock.systemUTC(), Map.of());
        engine.operations().syncDags(bag);
        server = WebServer.start(engine.operations(), "127.0.0.1", 0, Clock.systemUTC());
        for (Role r : Role.values()) {
            server.backend().auth().users().create(r.id(), r.id() + "-password", r);
        }
    }

    /**
     * {@code web_test}: params {@code min_stars} (integer) and {@code city} (string); its task
     * logs HTML and the value of the variable {@code api_token}, and pushes HTML and a secret as XComs.
     */
    static io.gale.api.Dag webTest() {
        var dag = io.gale.api.Dag.builder("web_test").description("<b>bold</b> docs").param("min_stars", 5).param("city", "Paris");
        dag.task("say", ctx -> {
            ctx.log().line("<script>alert('log')</script>");
            ctx.log().line("token is " + ctx.variable("api_token").orElse("unset"));
            ctx.xcomPush("html", "<img src=x onerror=alert(1)>");
            ctx.xcomPush("secret", java.util.Map.of("password", "hunter22", "user", "u"));
            return ctx.param("min_stars", Integer.class);
        });
        return dag.build();
    }

    /** Starts a scheduler loop in this process (stopped by {@link #close}). */
    TestServer withScheduler() {
        scheduler = SchedulerThread.start(engine, Scheduler.Settings.defaults().withHeartbeat(Duration.ofSeconds(1)),
                stop::get, schedulerErrors);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A bearer token for a user, from {@code POST /auth/token}. */
    String token(String username) {
        HttpResponse<String> r = send("POST", "/auth/token", null, "{\"username\": \"" + username + "\", \"password\": \"" + username + "-password\"}");
        if (r.statusCode() != 201) {
            throw new AssertionError("token for " + username + ": " + r.statusCode() + " " + r.body());
        }
        return json(r).get("access_token").asText();
    }

    HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return WebServer.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (scheduler != null) {
            scheduler.join(Duration.ofSeconds(40).toMillis());
        }
        server.close();
        engine.close();
    }
}
