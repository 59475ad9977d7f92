package io.gale.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of long-poll claims against small HTTP servers on real sockets: an API from
 * before long polls (it refuses the unknown {@code waitMs} with 400) gets claims answered at once
 * from then on, and interrupting the claiming thread aborts a claim the API holds.
 */
class WorkerClientLongPollTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private String start(boolean knowsLongPolls) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext(WorkerProtocol.BASE + "/w1/claim", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            if (body.contains("waitMs")) {
                if (!knowsLongPolls) {
                    answer(exchange, 400, "{\"detail\": \"the body is not a valid Claim: Unrecognized field \\\"waitMs\\\"\"}");
                    return;
                }
                try {
                    release.await(60, TimeUnit.SECONDS); // held: no work comes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(exchange, 200, "[]");
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, b.length);
            exchange.getResponseBody().write(b);
        } catch (IOException e) {
            // the client went away (an aborted claim)
        } finally {
            exchange.close();
        }
    }

    @Test
    void anApiFromBeforeLongPollsGetsClaimsWithoutAWaitFromThenOn() throws Exception {
        WorkerClient client = new WorkerClient(start(false), "w1", "token");

        assertThat(client.claim(List.of("default"), 2, Duration.ofSeconds(10))).isEmpty();
        assertThat(client.claim(List.of("default"), 2, Duration.ofSeconds(10))).isEmpty();

        assertThat(bodies).hasSize(3);
        assertThat(bodies.get(0)).contains("\"waitMs\":10000");
        assertThat(bodies.subList(1, 3)).as("asked again at once, then never with a wait").allSatisfy(b ->
                assertThat(b).doesNotContain("waitMs"));
    }

    @Test
    void interruptingTheClaimingThreadAbortsAClaimTheApiHolds() throws Exception {
        WorkerClient client = new WorkerClient(start(true), "w1", "token");
        assertThat(client.claim(List.of("default"), 1)).as("a claim without a wait is answered at once").isEmpty();
        assertThat(bodies.get(0)).doesNotContain("waitMs");

        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread claiming = new Thread(() -> {
            try {
                client.claim(List.of("default"), 1, Duration.ofSeconds(20));
                ended.complete(null);
            } catch (RuntimeException e) {
                ended.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("the interrupt was lost", e));
            }
        }, "claiming");
        claiming.start();
        io.gale.testing.Await.until(Duration.ofSeconds(10), "the API to hold the claim", () -> bodies.size() == 2);
        long t0 = System.nanoTime();
        claiming.interrupt();

        Throwable error = ended.get(5, TimeUnit.SECONDS); // not the 20 s wait
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(error).isInstanceOf(WorkerClient.UnreachableException.class).hasMessageContaining("interrupted");
    }
}
