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
 * instances, and mixed reads from 8 clients for 20 s while a scheduler in the same process runs
 * the throughput benchmark's load (queued runs of 10 no-op tasks, 64 executor slots; target 500
 * requests/s, p99 <= 100 ms). {@code [REPEATS]} (default 3): each measurement is repeated on the
 * same data and the median of the repeats is printed last.
 */
public final class WebApiBench {

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int dagCount = 1000;
        Dag[] dags = new Dag[dagCount + 1];
        for (int i = 0; i < dagCount; i++) {
            var b = Dag.builder(String.format("bench_%04d", i)).tags("team" + (i % 10));
            var prev = b.task("t0", ctx -> 1);
            for (int t = 1; t < 10; t++) {
                prev = prev.then(b.task("t" + t, ctx -> 1));
            }
            dags[i] = b.build();
        }
        var load = Dag.builder("throughput").maxActiveRuns(64).maxActiveTasks(256);
        var first = load.task("start", ctx -> null);
        var last = load.task("end", ctx -> null);
        for (int i = 0; i < 8; i++) {
            first.then(load.task("work_" + i, ctx -> null)).then(last);
        }
        dags[dagCount] = load.build();
        try (BenchSupport bench = new BenchSupport(64, dags)) {
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
                Map<String, List<double[]>> figures = new LinkedHashMap<>();
                for (int rep = 1; rep <= repeats; rep++) {
                    for (String p : paths) {
                        double[] ms = timed(http, base + p, token, 300);
                        double[] f = {BenchSupport.percentile(ms, 50), BenchSupport.percentile(ms, 95), BenchSupport.percentile(ms, 99)};
                        figures.computeIfAbsent("GET " + p, k -> new ArrayList<>()).add(f);
                        System.out.printf("  [%d] GET %-70s p50 %6.1f ms, p95 %6.1f ms, p99 %6.1f ms%n", rep, p, f[0], f[1], f[2]);
                    }
                }
                for (int rep = 1; rep <= repeats; rep++) {
                    double[] f = mixedBesideScheduler(bench, http, base, token, paths, rep);
                    figures.computeIfAbsent("mixed", k -> new ArrayList<>()).add(f);
                }
                System.out.printf("  median of %d repeats:%n", repeats);
                figures.forEach((what, fs) -> {
                    if (what.equals("mixed")) {
                        System.out.printf("    mixed reads beside the scheduler: %.0f requests/s, p50 %.1f ms, p99 %.1f ms, scheduler %.0f tasks/s%n",
                                median(fs, 0), median(fs, 1), median(fs, 2), median(fs, 3));
                    } else {
                        System.out.printf("    %-74s p50 %6.1f ms, p95 %6.1f ms, p99 %6.1f ms%n", what, median(fs, 0), median(fs, 1), median(fs, 2));
                    }
                });
            }
        }
    }

    private static double median(List<double[]> figures, int i) {
        return BenchSupport.percentile(figures.stream().mapToDouble(f -> f[i]).toArray(), 50);
    }

    /**
     * Mixed reads for 20 s while a scheduler runs 4,000 queued runs of the throughput DAG: requests/s,
     * p50, p99 and the scheduler's tasks/s over the same window.
     */
    private static double[] mixedBesideScheduler(BenchSupport bench, HttpClient http, String base, String token, List<String> paths,
                                                 int rep) throws Exception {
        Instant t0 = Instant.parse("2020-01-01T00:00:00Z").plus(Duration.ofDays(10_000L * rep));
        bench.client.store().runs().createAll(BenchSupport.queuedRuns("throughput", "load_" + rep + "_", 4000, t0));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread scheduler = new Thread(() -> {
            try {
                bench.runUntil(io.gale.store.DagRunRepository.Scope.ALL, false, stop::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-scheduler");
        scheduler.start();
        long done0 = doneTasks(bench);
        double[] f = mixed(http, base, token, paths, 8, Duration.ofSeconds(20));
        long done1 = doneTasks(bench);
        stop.set(true);
        scheduler.join();
        double tasksPerSecond = (done1 - done0) / 20.0;
        System.out.printf("  [%d] mixed reads, 8 clients for 20 s beside the scheduler: %.0f requests/s, p50 %.1f ms, p99 %.1f ms, "
                + "%.0f errors; scheduler %.0f tasks/s meanwhile%n", rep, f[0], f[1], f[2], f[3], tasksPerSecond);
        return new double[] {f[0], f[1], f[2], tasksPerSecond};
    }

    /** Task instances of the load's runs that succeeded so far (of every repeat: older queued runs go first). */
    private static long doneTasks(BenchSupport bench) {
        return bench.client.database().dsl().fetchCount(org.jooq.impl.DSL.table("task_instance"),
                org.jooq.impl.DSL.condition("dag_id = 'throughput' and run_id like 'load\\_%' and state = 'success'"));
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

    /** Requests/s, p50, p99 and errors of closed-loop clients reading {@code paths} in turn. */
    private static double[] mixed(HttpClient http, String base, String token, List<String> paths, int clients, Duration length)
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
        return new double[] {ms.length / (double) length.toSeconds(), BenchSupport.percentile(ms, 50), BenchSupport.percentile(ms, 99),
                errors.get()};
    }
}
