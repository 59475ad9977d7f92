package io.gale.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The image's health check ({@code docker/healthcheck.sh}) run with bash against a real local HTTP server. */
class HealthcheckTest {

    private static final Path SCRIPT = Path.of("..", "docker", "healthcheck.sh").toAbsolutePath().normalize();

    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        for (String path : new String[] {"/api/v2/monitor/health", "/health", "/metrics"}) {
            server.createContext(path, exchange -> {
                try (exchange) {
                    boolean exact = exchange.getRequestURI().getPath().equals(path);
                    byte[] body = "{}".getBytes();
                    exchange.sendResponseHeaders(exact ? status.get() : 404, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
        }
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int check(String pid1, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
        pb.environment().put("GALE_HEALTHCHECK_ARGS", pid1);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void theWebServerIsHealthyWhileItsHealthEndpointAnswers200() throws Exception {
        String port = Integer.toString(server.getAddress().getPort());
        String pid1 = "java -jar /opt/gale/gale.jar webserver --port " + port;
        assertThat(check(pid1, Map.of("GALE_WEBSERVER_PORT", port))).isZero();
        status.set(503);
        assertThat(check(pid1, Map.of("GALE_WEBSERVER_PORT", port))).isNotZero();
        server.stop(0);
        assertThat(check(pid1, Map.of("GALE_WEBSERVER_PORT", port))).as("nothing listens").isNotZero();
    }

    @Test
    void theModelServerIsCheckedOnItsPortAndOthersOnTheirMetricsPort() throws Exception {
        String port = Integer.toString(server.getAddress().getPort());
        assertThat(check("java -jar /opt/gale/gale.jar serve --port " + port + " --host 0.0.0.0", Map.of())).isZero();
        assertThat(check("java -jar /opt/gale/gale.jar dag-processor", Map.of("GALE_METRICS_PORT", port))).isZero();
        status.set(500);
        assertThat(check("java -jar /opt/gale/gale.jar serve --port " + port, Map.of())).isNotZero();
        assertThat(check("java -jar /opt/gale/gale.jar dag-processor", Map.of("GALE_METRICS_PORT", port))).isNotZero();
        assertThat(check("java -jar /opt/gale/gale.jar worker --queues default", Map.of())).as("a worker: up is healthy").isZero();
    }
}
