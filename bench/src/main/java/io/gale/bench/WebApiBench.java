package io.gale.bench;

import io.gale.api.Dag;
import io.gale.core.DagRunState;
import io.gale.core.Role;
import io.gale.core.RunKey;
import io.gale.core.RunType;
import io.gale.store.NewDagRun;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The REST API with 1,000 DAGs of 10 tasks and 10 runs each (100,000 task instances):
 * {@code GET /api/v2/dags?limit=100} (target p95 <= 100 ms), a DAG's runs, a run's task
 * instances, and mixed reads from 8 clients for 20 s (target 500 requests/s, p99 <= 100 ms).
 */
public final class WebApiBench {

    public static void main(String[] args) throws Exception {
        int dagCount = 1000;
        Dag[] dags = new Dag[dagCount];
        for (int i = 0; i < dagCount; i++) {
            var b = Dag.builder(String.format("bench_%04d", i)).tags("team" + (i % 10));
            var prev = b.task("t0", ctx -> 1);
            for (int t = 1; t < 10; t++) {
                prev = prev.then(b.task("t" + t, ctx -> 1));
            }
            dags[i] = b.build();
        }
        try (BenchSupport bench = new BenchSupport(4, dags)) {
            long t0 = System.nanoTime();
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < dagCount; i++) {
                String dagId = dags[i].id();
                List<NewDagRun> runs = new ArrayList<>();
                Map<RunKey, List<NewTask>> tis = new LinkedHashMap<>();
                for (int r = 0; r < 10; r++) {
                    Instant at = start.plus(Duration.ofDays(r));
                    String runId = RunType.SCHEDULED.runId(at);
                    runs.add(new NewDagRun(dagId, runId, RunType.SCHEDULED, at, at, at.plus(Duration.ofDays(1)), DagRunState.SUCCESS, Map.of(), null));
                    List<NewTask> tasks = new ArrayList<>();
                    for (int t = 0; t < 10; t++) {
                        tasks.add(new NewTask("t" + t, 1, "lambda"));
                    }
                    tis.put(new RunKey(dagId, runId), tasks);
                }
                bench.client.store().transact(tx -> {
                    tx.runs().createAll(runs);
                    tx.taskInstances().createMissing(tis);
                });
            }
            System.out.printf("Web API, %s%n  recorded %d DAGs, %d runs, %d task instances in %.1f s%n", BenchSupport.machine(),
                    dagCount, dagCount * 10, dagCount * 100, (System.nanoTime() - t0) / 1e9);
            try (WebServer server = WebServer.start(bench.client, "127.0.0.1", 0, Clock.systemUTC())) {
                server.backend().auth().users().create("bench", "bench-password", Role.VIEWER);
                String base = "http://127.0.0.1:" + server.port();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String token = WebServer.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/auth/token"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"bench\",\"password\":\"bench-password\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asText();
                String run = RunType.SCHEDULED.runId(start.plus(Duration.ofDays(5)));
                List<String> paths = List.of("/api/v2/dags?limit=100", "/api/v2/dags?limit=100&offset=500&tags=team3",
                        "/api/v2/dags/bench_0500", "/api/v2/dags/bench_0500/dagRuns?limit=10",
                        "/api/v2/dags/bench_0500/dagRuns/" + run + "/taskInstances",
                        "/api/v2/dags/bench_0500/dagRuns/" + run + "/taskInstances/t3");
                for (String p : paths) {
                    double[] ms = timed(http, base + p, token, 300);
                    System.out.printf("  GET %-70s p50 %6.1f ms, p95 %6.1f ms, p99 %6.1f ms%n", p,
                            BenchSupport.percentile(ms, 50), BenchSupport.percentile(ms, 95), BenchSupport.percentile(ms, 99));
                }
                mixed(http, base, token, paths, 8, Duration.ofSeconds(20));
            }
        }
    }

    private static double[] timed(HttpClient http, String url, String token, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
        for (int i = 0; i < 50; i++) {
            http.send(req, HttpResponse.BodyHandlers.discarding());
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode());
            }
        }
        return ms;
    }

    private static void mixed(HttpClient http, String base, String token, List<String> paths, int clients, Duration length)
            throws InterruptedException {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            int offset = c;
            pool.submit(() -> {
                int i = offset;
                while (System.nanoTime() < end) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(base + paths.get(i++ % paths.size())))
                            .header("Authorization", "Bearer " + token).build();
                    long t = System.nanoTime();
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies.add((System.nanoTime() - t) / 1e6);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
        double[] ms = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf("  mixed reads, %d clients for %d s: %.0f requests/s, p50 %.1f ms, p99 %.1f ms, %d errors%n", clients,
                length.toSeconds(), ms.length / (double) length.toSeconds(), BenchSupport.percentile(ms, 50),
                BenchSupport.percentile(ms, 99), errors.get());
    }
}
