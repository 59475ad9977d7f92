package io.gale.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.config.GaleConfig;
import io.gale.operators.models.ModelDeployment;
import io.gale.operators.models.WebhookSignature;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.artifact.RecVaeRecommender;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench/run serve MODEL_A MODEL_B [--seconds S] [--connections C] [--k K] [--reloads R] [--data DIR]}:
 * registers two saved RecVAE models as versions 1 and 2 in a fresh GALE_HOME, starts {@code gale serve}
 * as its own process (the assembled jar), and drives it from this process with C keep-alive
 * connections (plain sockets, one platform thread each: a cheap load generator, since it shares
 * the cores with the server; its CPU time is reported) sending {@code GET /recommend?items=..&k=K}
 * for the recent items (at most 50) of
 * held-out users of the split in DIR, for S seconds after a warm-up, while R signed webhooks swap
 * the served version back and forth. Every answer is checked against the answer computed here for
 * its version (a half-loaded model would answer something else). Prints throughput, latency
 * percentiles, failures, wrong answers and the server's peak RSS.
 */
public final class ServeBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> files = new ArrayList<>();
        int seconds = 20;
        int connections = 8;
        int k = 100;
        int reloads = 20;
        Path data = SharedData.ml1m().orElse(null);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--reloads" -> reloads = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                default -> files.add(args[i]);
            }
        }
        if (data == null) {
            System.err.println("no ML-1M split found (" + SharedData.searched() + "): pass --data DIR");
            System.exit(2);
        }
        if (files.size() != 2) {
            System.err.println("usage: bench/run serve MODEL_A.safetensors MODEL_B.safetensors [--seconds S] [--connections C] [--k K] [--reloads R] [--data DIR]");
            System.exit(2);
        }
        Path home = Files.createTempDirectory("gale-bench-serve");
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString("bench-webhook-secret-32-bytes!!!".getBytes());
        int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
        try (Database db = Database.open(config)) {
            ModelRegistry models = new JooqStore(db).models();
            List<ModelVersion> versions = new ArrayList<>();
            List<RecVaeRecommender> recs = new ArrayList<>();
            for (String f : files) {
                Path weights = Path.of(f).toAbsolutePath();
                versions.add(models.register(new NewModelVersion("recvae", 1.0, Map.of(), Map.of(), weights.toUri(), sha256(weights),
                        null, null, null, null), PromotionPolicy.latest()).version());
                recs.add(RecVaeArtifacts.load(weights));
            }
            models.promote("recvae", 1);
            int[][] queries = queries(data, recs.get(0), 500);
            Map<Integer, Check> expected = new LinkedHashMap<>();
            for (int v = 0; v < 2; v++) {
                expected.put(versions.get(v).version(), new Check(recs.get(v), queries, k));
            }
            System.out.printf(Locale.ROOT, "models: %d items; %d queries of %.1f items on average, k=%d%n",
                    recs.get(0).items(), queries.length, Arrays.stream(queries).mapToInt(q -> q.length).average().orElse(0), k);

            Path jar = Path.of(System.getProperty("gale.jar", "webui/target/gale.jar")).toAbsolutePath();
            List<String> command = new ArrayList<>(List.of("java", "-Xms64m", "-Xmx512m", "-XX:+UseParallelGC"));
            String extra = System.getProperty("gale.serve.jvmArgs", "");  // e.g. a flight recording, to profile the server
            if (!extra.isBlank()) {
                command.addAll(List.of(extra.strip().split("\\s+")));
            }
            command.addAll(List.of("-jar", jar.toString(), "serve", "--port", Integer.toString(port), "--poll-interval", "0s",
                    "--host", "127.0.0.1"));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("GALE_HOME", home.toString());
            pb.environment().put("GALE_CONN_MODEL_SERVER_DEFAULT", "http://:" + secret.replace("+", "%2B").replace("/", "%2F")
                    .replace("=", "%3D") + "@127.0.0.1:" + port);
            pb.redirectErrorStream(true).redirectOutput(home.resolve("serve.log").toFile());
            Process server = pb.start();
            try {
                run(server, port, queries, expected, k, seconds, connections, reloads, versions, WebhookSignature.of(secret), home);
            } finally {
                server.destroy();
                server.waitFor();
            }
        }
    }

    /**
     * Whether an answer is a top-k of one version: k distinct unseen items, scores descending and at
     * least the k-th best, within float noise (batched scoring may flip near-ties).
     */
    static final class Check {
        final float[][] scores;
        final float[] kth;
        final Map<Integer, Integer> col = new java.util.HashMap<>();
        final int[][] queries;

        Check(RecVaeRecommender rec, int[][] queries, int k) {
            int[] ids = rec.sidecar().itemIds();
            for (int c = 0; c < ids.length; c++) {
                col.put(ids[c], c);
            }
            this.queries = queries;
            scores = new float[queries.length][];
            kth = new float[queries.length];
            for (int q = 0; q < queries.length; q++) {
                scores[q] = rec.scores(queries[q]);
                int[] top = rec.recommend(queries[q], k);
                kth[q] = scores[q][col.get(top[top.length - 1])];
            }
        }

        boolean ok(int q, int[] items, int k) {
            java.util.Set<Integer> known = new java.util.HashSet<>();
            for (int id : queries[q]) {
                known.add(id);
            }
            if (items.length != k || Arrays.stream(items).distinct().count() != k) {
                return false;
            }
            float prev = Float.POSITIVE_INFINITY;
            for (int id : items) {
                Integer c = col.get(id);
                if (c == null || known.contains(id) || scores[q][c] < kth[q] - 1e-4f || scores[q][c] > prev + 1e-4f) {
                    return false;
                }
                prev = scores[q][c];
            }
            return true;
        }
    }

    private static void run(Process server, int port, int[][] queries, Map<Integer, Check> expected, int k, int seconds,
                            int connections, int reloads, List<ModelVersion> versions, WebhookSignature signer, Path home)
            throws Exception {
        String base = "http://127.0.0.1:" + port;
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (probe.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("gale serve did not come up; see " + home.resolve("serve.log"), e);
                }
            }
            Thread.sleep(200);
        }
        byte[][] requests = new byte[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            StringBuilder sb = new StringBuilder("GET /recommend?k=").append(k).append("&items=");
            for (int j = 0; j < queries[i].length; j++) {
                sb.append(j == 0 ? "" : ",").append(queries[i][j]);
            }
            sb.append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n\r\n");
            requests[i] = sb.toString().getBytes(StandardCharsets.US_ASCII);
        }
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong failed = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int[] counts = new int[connections];
        for (int c = 0; c < connections; c++) {
            long[] lat = new long[5_000_000];
            latencies.add(lat);
            final int me = c;
            Thread t = new Thread(() -> {
                Client http = null;
                int i = me;
                while (running.get()) {
                    int q = i++ % requests.length;
                    long t0 = System.nanoTime();
                    try {
                        if (http == null) {
                            http = new Client(port);
                        }
                        Client.Answer r = http.send(requests[q]);
                        long dt = System.nanoTime() - t0;
                        if (r.status() != 200) {
                            failed.incrementAndGet();
                            examples.add(r.status() + " " + r.body());
                            continue;
                        }
                        Check exp = expected.get(r.intField("version"));
                        if (exp == null || !exp.ok(q, r.intArray("items"), k)) {
                            wrong.incrementAndGet();
                        }
                        if (measuring.get() && counts[me] < lat.length) {
                            lat[counts[me]++] = dt;
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        examples.add(e.toString());
                        if (http != null) {
                            http.close();
                            http = null;
                        }
                    }
                }
                if (http != null) {
                    http.close();
                }
            }, "load-" + c);
            t.start();
            threads.add(t);
        }
        Thread.sleep(5000);  // warm-up
        long failedBefore = failed.get();
        long cpu0 = cpuTicks(server.pid());
        long selfCpu0 = cpuTicks(ProcessHandle.current().pid());
        measuring.set(true);
        long t0 = System.nanoTime();
        List<Integer> reloadStatus = new ArrayList<>();
        HttpClient hooks = HttpClient.newHttpClient();
        long step = Duration.ofSeconds(seconds).toNanos() / (reloads + 1);
        for (int r = 0; r < reloads; r++) {
            long until = t0 + (r + 1) * step;
            while (System.nanoTime() < until) {
                Thread.sleep(5);
            }
            ModelVersion v = versions.get(r % 2 == 0 ? 1 : 0);
            byte[] body = JSON.writeValueAsBytes(ModelDeployment.of(v));
            long ts = System.currentTimeMillis() / 1000;
            String id = "msg_bench_" + r;
            HttpResponse<String> resp = hooks.send(HttpRequest.newBuilder(URI.create(base + "/models/reload"))
                    .header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
                    .header("webhook-signature", signer.sign(id, ts, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            reloadStatus.add(resp.statusCode());
        }
        while (System.nanoTime() < t0 + Duration.ofSeconds(seconds).toNanos()) {
            Thread.sleep(5);
        }
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double serverCpu = (cpuTicks(server.pid()) - cpu0) / 100.0;
        double clientCpu = (cpuTicks(ProcessHandle.current().pid()) - selfCpu0) / 100.0;
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        int n = 0;
        for (int c = 0; c < connections; c++) {
            n += counts[c];
        }
        double[] ms = new double[n];
        int at = 0;
        for (int c = 0; c < connections; c++) {
            for (int i = 0; i < counts[c]; i++) {
                ms[at++] = latencies.get(c)[i] / 1e6;
            }
        }
        long rss = peakRssKb(server.pid());
        System.out.printf(Locale.ROOT, "%d connections, %.1f s: %d requests, %.0f requests/s%n", connections, elapsed, n, n / elapsed);
        System.out.printf(Locale.ROOT, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", BenchSupport.percentile(ms, 50),
                BenchSupport.percentile(ms, 90), BenchSupport.percentile(ms, 99), BenchSupport.percentile(ms, 100));
        System.out.printf(Locale.ROOT, "reloads: %d (statuses %s); failed requests: %d (%d during the measured window); wrong answers: %d%n",
                reloadStatus.size(), reloadStatus.stream().distinct().toList(), failed.get(), failed.get() - failedBefore, wrong.get());
        System.out.printf(Locale.ROOT, "gale serve peak RSS: %d MiB; CPU in the window: server %.1f s (%.3f ms per request),"
                + " load generator %.1f s (%.3f ms per request)%n",
                rss / 1024, serverCpu, serverCpu * 1000 / Math.max(1, n), clientCpu, clientCpu * 1000 / Math.max(1, n));
        try {
            System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).strip());
        } catch (java.io.IOException e) {
            // not on Linux
        }
        examples.stream().limit(3).forEach(e -> System.out.println("  e.g. " + e));
    }

    /** utime + stime of a process in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    /**
     * One keep-alive HTTP/1.1 connection on a plain socket: sends a prepared request and reads the
     * status line, the headers (only Content-Length matters) and the body. Far cheaper per request
     * than java.net.http, which matters when the generator shares the cores with the server.
     */
    static final class Client implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.InputStream in;
        private final java.io.OutputStream out;

        /** Status and body of one answer. */
        record Answer(int status, String body) {
            int intField(String name) {
                int at = body.indexOf("\"" + name + "\":");
                if (at < 0) {
                    return -1;
                }
                int i = at + name.length() + 3;
                int v = 0;
                while (i < body.length() && Character.isDigit(body.charAt(i))) {
                    v = v * 10 + body.charAt(i++) - '0';
                }
                return v;
            }

            int[] intArray(String name) {
                int at = body.indexOf("\"" + name + "\":[");
                if (at < 0) {
                    return new int[0];
                }
                int i = at + name.length() + 4;
                int[] out = new int[16];
                int n = 0;
                while (i < body.length() && body.charAt(i) != ']') {
                    int v = 0;
                    while (Character.isDigit(body.charAt(i))) {
                        v = v * 10 + body.charAt(i++) - '0';
                    }
                    if (n == out.length) {
                        out = Arrays.copyOf(out, 2 * n);
                    }
                    out[n++] = v;
                    if (body.charAt(i) == ',') {
                        i++;
                    }
                }
                return Arrays.copyOf(out, n);
            }
        }

        Client(int port) throws java.io.IOException {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = socket.getOutputStream();
        }

        Answer send(byte[] request) throws java.io.IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new java.io.IOException("bad status line: " + status);
            }
            int length = -1;
            for (String h = line(); !h.isEmpty(); h = line()) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(h.substring(15).strip());
                }
            }
            if (length < 0) {
                throw new java.io.IOException("answer without Content-Length");
            }
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new java.io.IOException("connection closed in the middle of an answer");
            }
            return new Answer(Integer.parseInt(status.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
        }

        private String line() throws java.io.IOException {
            StringBuilder sb = new StringBuilder(64);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new java.io.IOException("connection closed by the server");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (java.io.IOException e) {
                // closing anyway
            }
        }
    }

    /** The last (at most 50) items of the first {@code n} test fold-in users known to the model. */
    static int[][] queries(Path split, RecVaeRecommender rec, int n) throws Exception {
        int[] itemIds = Files.readAllLines(split.resolve("unique_sid.txt")).stream().filter(s -> !s.isBlank())
                .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        Map<Integer, List<Integer>> users = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(split.resolve("test_tr.csv"), StandardCharsets.UTF_8)) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                String[] p = line.split(",");
                int u = Integer.parseInt(p[0].strip());
                int sid = Integer.parseInt(p[1].strip());
                if (!users.containsKey(u) && users.size() >= n) {
                    break;
                }
                users.computeIfAbsent(u, x -> new ArrayList<>()).add(itemIds[sid]);
            }
        }
        return users.values().stream().map(l -> l.subList(Math.max(0, l.size() - 50), l.size()).stream()
                .mapToInt(Integer::intValue).filter(rec::knows).toArray()).filter(q -> q.length > 0).toArray(int[][]::new);
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
