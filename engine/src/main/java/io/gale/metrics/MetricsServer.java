package io.gale.metrics;

import com.sun.net.httpserver.HttpServer;
import io.gale.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP endpoint, {@code GET /metrics} in Prometheus' text format, for processes without a
 * web server (scheduler, DAG processor, worker). Off unless {@code GALE_METRICS_PORT} is set;
 * it listens on {@code GALE_METRICS_HOST} (default all addresses) and needs no credentials, as
 * Prometheus scrapes it.
 */
public final class MetricsServer implements AutoCloseable {

    /** What Prometheus' text format is served as. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService threads;

    private MetricsServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Starts the endpoint when {@code GALE_METRICS_PORT} is set in {@code env} (0 picks a free port).
     *
     * @throws ConfigException when the port is not a number from 0 to 65535, or cannot be listened on
     */
    public static Optional<MetricsServer> startIfConfigured(Map<String, String> env, Metrics metrics) {
        String v = env.get("GALE_METRICS_PORT");
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        int port;
        try {
            port = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("GALE_METRICS_PORT must be a port number from 0 to 65535, got '"
                    + io.gale.core.Text.abbreviate(v, 20) + "'");
        }
        return Optional.of(start(env.getOrDefault("GALE_METRICS_HOST", "0.0.0.0"), port, metrics));
    }

    /** Starts the endpoint on {@code host:port}. */
    public static MetricsServer start(String host, int port, Metrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new ConfigException("cannot serve metrics on " + host + ":" + port + " (" + e.getMessage()
                    + "): pick another GALE_METRICS_PORT");
        }
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                boolean head = "HEAD".equals(exchange.getRequestMethod());
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the scraper went away; the next scrape asks again
            }
        });
        ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gale-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.start();
        return new MetricsServer(server, threads);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
