package io.gale.bench;

import io.gale.api.Dag;
import io.gale.core.DagRunState;
import io.gale.core.Role;
import io.gale.core.RunKey;
import io.gale.core.RunType;
import io.gale.store.NewDagRun;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.web.WebServer;
import java.net.CookieManager;
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

/**
 * The web UI's pages with 1,000 DAGs of 10 tasks (half of them daily) and 10 runs each, plus one
 * DAG of 50 tasks with 25 runs: the DAG list page (target p95 <= 100 ms) and that DAG's page with
 * its 25 x 50 grid (target p95 <= 200 ms), signed in with a session cookie. {@code [REPEATS]}
 * (default 3): each page is measured that many times on the same data; the medians come last.
 */
public final class WebUiBench {

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int dagCount = 1000;
        Dag[] dags = new Dag[dagCount + 1];
        for (int i = 0; i < dagCount; i++) {
            var b = Dag.builder(String.format("bench_%04d", i)).tags("team" + (i % 10));
            if (i % 2 == 0) {
                b.schedule("@daily").startDate(java.time.ZonedDateTime.parse("2026-01-01T00:00:00Z"));
            }
            var prev = b.task("t0", ctx -> 1);
            for (int t = 1; t < 10; t++) {
                prev = prev.then(b.task("t" + t, ctx -> 1));
            }
            dags[i] = b.build();
        }
        var wide = Dag.builder("grid_50");
        var prev = wide.task("t00", ctx -> 1);
        for (int t = 1; t < 50; t++) {
            prev = prev.then(wide.task(String.format("t%02d", t), ctx -> 1));
        }
        dags[dagCount] = wide.build();
        try (BenchSupport bench = new BenchSupport(4, dags)) {
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            for (Dag d : dags) {
                int runCount = d.id().equals("grid_50") ? 25 : 10;
                List<NewDagRun> runs = new ArrayList<>();
                Map<RunKey, List<NewTask>> tis = new LinkedHashMap<>();
                for (int r = 0; r < runCount; r++) {
                    Instant at = start.plus(Duration.ofDays(r));
                    String runId = RunType.SCHEDULED.runId(at);
                    runs.add(new NewDagRun(d.id(), runId, RunType.SCHEDULED, at, at, at.plus(Duration.ofDays(1)), DagRunState.SUCCESS, Map.of(), null));
                    tis.put(new RunKey(d.id(), runId), d.topologicalOrder().stream().map(t -> new NewTask(t, 1, "lambda")).toList());
                }
                bench.client.store().transact(tx -> {
                    tx.runs().createAll(runs);
                    tx.taskInstances().createMissing(tis);
                });
            }
            System.out.printf("Web UI, %s%n  recorded %d DAGs%n", BenchSupport.machine(), dags.length);
            try (WebServer server = WebServer.start(bench.client, "127.0.0.1", 0, Clock.systemUTC())) {
                server.backend().auth().users().create("bench", "bench-password", Role.VIEWER);
                String base = "http://127.0.0.1:" + server.port();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager()).build();
                http.send(HttpRequest.newBuilder(URI.create(base + "/auth/login")).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=bench&password=bench-password&next=/dags")).build(),
                        HttpResponse.BodyHandlers.discarding());
                Map<String, List<double[]>> figures = new LinkedHashMap<>();
                for (int rep = 1; rep <= repeats; rep++) {
                    for (String p : List.of("/dags", "/dags?tags=team3&page=0", "/dags/grid_50", "/dags/grid_50/grid")) {
                        double[] ms = timed(http, base + p, 200);
                        double[] f = {BenchSupport.percentile(ms, 50), BenchSupport.percentile(ms, 95), BenchSupport.percentile(ms, 99)};
                        figures.computeIfAbsent(p, k -> new ArrayList<>()).add(f);
                        System.out.printf("  [%d] GET %-30s p50 %6.1f ms, p95 %6.1f ms, p99 %6.1f ms%n", rep, p, f[0], f[1], f[2]);
                    }
                }
                System.out.printf("  median of %d repeats:%n", repeats);
                figures.forEach((p, fs) -> System.out.printf("    GET %-30s p50 %6.1f ms, p95 %6.1f ms, p99 %6.1f ms%n", p,
                        median(fs, 0), median(fs, 1), median(fs, 2)));
            }
        }
    }

    private static double median(List<double[]> figures, int i) {
        return BenchSupport.percentile(figures.stream().mapToDouble(f -> f[i]).toArray(), 50);
    }

    private static double[] timed(HttpClient http, String url, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
        for (int i = 0; i < 30; i++) {
            http.send(req, HttpResponse.BodyHandlers.discarding());
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": sign-in failed or the page broke");
            }
        }
        return ms;
    }
}
