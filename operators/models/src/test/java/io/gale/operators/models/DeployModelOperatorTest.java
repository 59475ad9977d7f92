package io.gale.operators.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gale.api.Connection;
import io.gale.api.Dag;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.core.DagRun;
import io.gale.testing.Harness;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy task against a receiver on a real socket: signed, retried under one id, skipped with reasons. */
class DeployModelOperatorTest {
    static final String SECRET = "s3cret-hook-password";

    @TempDir
    Path home;
    HttpServer receiver;
    final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    volatile int answer = 200;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/models/reload", ex -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("id", ex.getRequestHeaders().getFirst("webhook-id"));
            m.put("timestamp", ex.getRequestHeaders().getFirst("webhook-timestamp"));
            m.put("signature", ex.getRequestHeaders().getFirst("webhook-signature"));
            m.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(m);
            int status = failFirst.getAndDecrement() > 0 ? 503 : answer;
            byte[] out = ("{\"status\":\"" + (status == 200 ? "reloaded" : "nope") + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    /** A register task stand-in (the real one trains first): registers a version and reports it. */
    static Dag dag(double score) {
        var dag = Dag.builder("deploy_test");
        var register = dag.task("register", ctx -> {
            var r = ctx.models().register(new NewModelVersion("recvae", score, Map.of(), Map.of(),
                    URI.create("file:///models/recvae_" + score + ".safetensors"), "ab".repeat(32), null, null, ctx.dagId(), ctx.runId()),
                    io.gale.api.PromotionPolicy.bestScore());
            ctx.xcomPush("promoted", r.promoted());
            ctx.xcomPush("reason", r.reason());
            return Map.of("name", "recvae", "version", r.version().version());
        });
        register.then(dag.task("deploy", new DeployModelOperator("register").backoff(Duration.ofMillis(20))));
        return dag.build();
    }

    void connect(Harness h) {
        h.store.connections().put(new Connection(DeployModelOperator.DEFAULT_CONN, "http", "127.0.0.1",
                receiver.getAddress().getPort(), null, null, SECRET, Map.of()));
    }

    @Test
    void postsASignedDeploymentRetryingServerErrorsUnderOneIdAndPushesTheAnswer() throws Exception {
        failFirst.set(2);
        try (Harness h = new Harness(home, dag(0.4))) {
            connect(h);
            DagRun run = h.runToEnd(h.trigger("deploy_test", Map.of()));
            assertThat(h.states(run)).containsEntry("deploy", "success");
            assertThat(received).hasSize(3);
            assertThat(received).extracting(m -> m.get("id")).containsOnly(received.get(0).get("id")).first().asString().startsWith("msg_");
            WebhookSignature s = WebhookSignature.of(SECRET);
            for (Map<String, String> m : received) {
                s.verify(m.get("id"), m.get("timestamp"), m.get("signature"), m.get("body").getBytes(StandardCharsets.UTF_8),
                        Instant.now(), Duration.ofMinutes(5));
            }
            ModelVersion v = h.store.models().production("recvae").orElseThrow();
            assertThat(io.gale.core.Json.read(received.get(0).get("body"), Map.class))
                    .containsEntry("model", "recvae").containsEntry("version", 1).containsEntry("sha256", "ab".repeat(32))
                    .containsEntry("uri", "file:///models/recvae_0.4.safetensors").containsEntry("score", 0.4)
                    .containsEntry("created_at", v.createdAt().toString());
            String responses = h.client().xcoms("deploy_test", run.runId(), "deploy", "responses").get(0).json();
            assertThat(responses).contains("model_server_default", "200", "reloaded", "\"attempts\"");
            String log = h.client().log("deploy_test", run.runId(), "deploy", null);
            assertThat(log).contains("answered 503", "retrying").doesNotContain(SECRET);
            assertThat(responses).doesNotContain(SECRET);
            assertThat(h.metrics.scrape()).as("one delivery, however many attempts")
                    .contains("gale_webhook_deliveries_total{conn_id=\"model_server_default\",outcome=\"delivered\"} 1.0")
                    .doesNotContain("outcome=\"failed\"");
        }
    }

    @Test
    void skippedWhenTheVersionDidNotBecomeProductionOrNoServerIsConfigured() throws Exception {
        try (Harness h = new Harness(home, dag(0.4))) {
            DagRun first = h.runToEnd(h.trigger("deploy_test", Map.of()));
            assertThat(h.states(first)).containsEntry("register", "success").containsEntry("deploy", "skipped");
            assertThat(h.client().log("deploy_test", first.runId(), "deploy", null))
                    .contains("no model server configured: connection model_server_default not found");
            assertThat(received).isEmpty();
        }
        try (Harness h = new Harness(home.resolve("again"), dag(0.4))) {
            connect(h);
            h.store.models().register(new NewModelVersion("recvae", 0.9, Map.of(), URI.create("file:///best"), null, null));
            DagRun run = h.runToEnd(h.trigger("deploy_test", Map.of()));
            assertThat(h.states(run)).containsEntry("deploy", "skipped");
            assertThat(h.client().log("deploy_test", run.runId(), "deploy", null))
                    .contains("recvae version 2 did not become production: score 0.4000 is below production version 1's (0.9000)");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void aRefusalFailsTheTaskAtOnce() throws Exception {
        answer = 422;
        try (Harness h = new Harness(home, dag(0.4))) {
            connect(h);
            DagRun run = h.runToEnd(h.trigger("deploy_test", Map.of()));
            assertThat(h.states(run)).containsEntry("deploy", "failed");
            assertThat(received).hasSize(1);
            assertThat(h.client().log("deploy_test", run.runId(), "deploy", null))
                    .contains("refused the deployment with 422").doesNotContain(SECRET);
            assertThat(h.metrics.scrape())
                    .contains("gale_webhook_deliveries_total{conn_id=\"model_server_default\",outcome=\"refused\"} 1.0");
        }
    }
}
