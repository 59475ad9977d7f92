package io.gale.operators.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.artifact.RecVaeRecommender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gale serve}: answers recommendations with the production version of one model and swaps
 * versions without a restart. Endpoints: {@code GET /recommend?items=ID,ID&k=10}, {@code POST
 * /recommend} ({@code {"items": [..], "k": 10}}), {@code GET /health}, {@code GET /metrics}
 * (Prometheus text) and {@code POST /models/reload} (a signed {@link ModelDeployment} webhook).
 *
 * <p>A new version is loaded next to the old one (artifact fetched by the {@link ArtifactLoader},
 * SHA-256 checked against the registry, a smoke check run) and swapped in with one atomic reference
 * write: a request reads the reference once, so requests in flight finish on the model they started
 * with, and no request ever sees a half-loaded model. A version that fails to load leaves the old
 * one serving. The registry is also polled every {@code pollInterval}, so a lost webhook only delays
 * a swap.
 *
 * <p>Threads: the JDK HTTP server's dispatcher hands each request to one of four request threads,
 * which read and check it and queue a {@code /recommend} for the scoring thread(s) of the
 * {@link RecommendBatcher} without waiting for the answer; the scoring thread scores whatever is
 * queued in one forward pass and writes the answers. A reload is loaded on a thread of its own,
 * so that requests are answered while a version loads. A client that stalls in the middle of its
 * request holds one request thread for at most 5 seconds ({@code sun.net.httpserver.maxReqTime}).
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the client's
        // delayed ACK then holds every keep-alive answer for ~40 ms. Read once, when the server classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // A client that stops in the middle of its request line or headers holds a request thread;
        // the JDK server closes such a connection after this many seconds (it checks once a second).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "5");
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;
    private static final int MAX_SEEN_WEBHOOKS = 10_000;

    /**
     * @param port         TCP port (0 picks a free one)
     * @param model        the model name served
     * @param pollInterval how often the registry is asked for its production version (zero: never)
     * @param tolerance    how far a webhook's timestamp may be from now
     * @param threads      scoring threads (each scores a batch of the queued requests at a time)
     */
    public record Settings(String host, int port, String model, Duration pollInterval, Duration tolerance, int threads) {
        /**
         * Port 8000, model recvae, polling every 30 s, 5 minutes' tolerance, one scoring thread per two
         * cores (at least one: the HTTP dispatcher and the clients need the rest, and fewer scoring
         * threads make larger batches).
         */
        public static Settings defaults() {
            return new Settings("0.0.0.0", 8000, "recvae", Duration.ofSeconds(30), Duration.ofMinutes(5),
                    Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        }

        public Settings withPort(int p) {
            return new Settings(host, p, model, pollInterval, tolerance, threads);
        }

        public Settings withModel(String m) {
            return new Settings(host, port, m, pollInterval, tolerance, threads);
        }

        public Settings withPollInterval(Duration d) {
            return new Settings(host, port, model, d, tolerance, threads);
        }

        public Settings withHost(String h) {
            return new Settings(h, port, model, pollInterval, tolerance, threads);
        }
    }

    /** The outcome of a reload: an HTTP status and a JSON body. */
    public record Reload(int status, Map<String, Object> body) {
    }

    private record Seen(long timestamp, Reload answer) {
    }

    private final ModelRegistry registry;
    private final ArtifactLoader loader;
    private final WebhookSignature signature;
    private final Clock clock;
    private final Settings settings;
    private final AtomicReference<ServedModel> served = new AtomicReference<>();
    private final ServerMetrics metrics = new ServerMetrics();
    private final Map<String, Seen> seenWebhooks = new ConcurrentHashMap<>();
    private final Object reloadLock = new Object();
    private volatile Integer lastSeenProduction;
    private volatile String lastPollError;
    private final RecommendBatcher batcher;
    private HttpServer http;
    private ExecutorService reloads;
    private ExecutorService parsers;
    private static final int PARSERS = 4;
    private ScheduledExecutorService poller;

    /** @param signature verifies reload webhooks; null refuses every webhook (the poll still swaps) */
    public ModelServer(ModelRegistry registry, ArtifactLoader loader, WebhookSignature signature, Clock clock, Settings settings) {
        this.registry = registry;
        this.loader = loader;
        this.signature = signature;
        this.clock = clock;
        this.settings = settings;
        this.batcher = new RecommendBatcher(Math.max(1, settings.threads()), 32);
    }

    /** Loads the production version (if any; a failure is logged and the server answers 503 until a swap) and listens. */
    public ModelServer start() throws IOException {
        poll();
        http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 512);
        reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gale-serve-reload");
            t.setDaemon(true);
            return t;
        });
        // a few threads read and check requests (a client stalled in the middle of one holds only one
        // of them) and queue them for the batcher without waiting for the answer
        parsers = Executors.newFixedThreadPool(PARSERS, r -> {
            Thread t = new Thread(r, "gale-serve-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(parsers);
        http.createContext("/", this::handle);
        http.start();
        if (!settings.pollInterval().isZero()) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gale-serve-poll");
                t.setDaemon(true);
                return t;
            });
            long ms = settings.pollInterval().toMillis();
            poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The version being served, if one is loaded. */
    public Optional<ServedModel> served() {
        return Optional.ofNullable(served.get());
    }

    /** Swaps in the registry's production version when it changed since the last look. */
    void poll() {
        try {
            Optional<ModelVersion> p = registry.production(settings.model());
            if (lastPollError != null) {
                LOG.info("registry reachable again");
                lastPollError = null;
            }
            if (p.isEmpty() || p.get().version() == (lastSeenProduction == null ? -1 : lastSeenProduction)) {
                return;
            }
            lastSeenProduction = p.get().version();
            ServedModel now = served.get();
            if (now != null && now.version().version() == p.get().version()) {
                return;
            }
            Reload r = swapTo(p.get(), "registry poll");
            if (r.status() != 200) {
                LOG.warn("registry poll: {} version {} not loaded: {}", settings.model(), p.get().version(), r.body().get("error"));
            }
        } catch (RuntimeException e) {
            String m = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!m.equals(lastPollError)) {
                LOG.warn("registry poll failed, keeping the served model: {}", m);
                lastPollError = m;
            }
        }
    }

    /** Loads {@code v} next to the served model and swaps it in; 422 with the reason when it does not load. */
    private Reload swapTo(ModelVersion v, String why) {
        synchronized (reloadLock) {
            ServedModel old = served.get();
            if (old != null && old.version().version() == v.version()) {
                return new Reload(200, answer("already serving", v, old));
            }
            ServedModel loaded;
            try {
                loaded = load(v);
            } catch (ModelLoadException e) {
                metrics.reload("failed");
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("error", e.getMessage());
                b.put("serving_version", old == null ? null : old.version().version());
                return new Reload(422, b);
            }
            served.set(loaded);
            metrics.reload("ok");
            LOG.info("serving {} version {} ({}; was {})", v.name(), v.version(), why,
                    old == null ? "none" : "version " + old.version().version());
            return new Reload(200, answer("reloaded", v, old));
        }
    }

    private static Map<String, Object> answer(String status, ModelVersion v, ServedModel old) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("status", status);
        b.put("model", v.name());
        b.put("version", v.version());
        b.put("previous_version", old == null ? null : old.version().version());
        return b;
    }

    /** Fetches, verifies, loads and smoke-checks a version. */
    ServedModel load(ModelVersion v) {
        Path weights = loader.fetch(v.location());
        try {
            return load(v, weights);
        } finally {
            loader.release(weights);
        }
    }

    private ServedModel load(ModelVersion v, Path weights) {
        if (!Files.isRegularFile(weights)) {
            throw new ModelLoadException(v.name() + " version " + v.version() + ": artifact " + v.location() + " not found");
        }
        if (v.sha256() != null) {
            String actual = sha256(weights);
            if (!actual.equals(v.sha256())) {
                throw new ModelLoadException(v.name() + " version " + v.version() + ": checksum mismatch for " + v.location()
                        + " (registry sha256 " + v.sha256().substring(0, 12) + "..., file " + actual.substring(0, 12) + "...)");
            }
        }
        RecVaeRecommender rec;
        try {
            rec = RecVaeArtifacts.load(weights);
        } catch (RuntimeException e) {
            throw new ModelLoadException(v.name() + " version " + v.version() + " does not load: " + e.getMessage(), e);
        }
        smokeCheck(v, rec);
        return new ServedModel(v, rec, clock.instant());
    }

    private static void smokeCheck(ModelVersion v, RecVaeRecommender rec) {
        int[] ids = rec.sidecar().itemIds();
        int k = Math.min(10, ids.length - 1);
        for (int[] known : new int[][] {{}, {ids[0]}, {ids[ids.length - 1], ids[ids.length / 2]}}) {
            float[] s = rec.scores(known);
            for (float x : s) {
                if (!Float.isFinite(x)) {
                    throw new ModelLoadException(v.name() + " version " + v.version() + " failed its smoke check: non-finite scores");
                }
            }
            if (rec.recommend(known, k).length != Math.min(k, ids.length - known.length)) {
                throw new ModelLoadException(v.name() + " version " + v.version() + " failed its smoke check: too few items ranked");
            }
            // the serving path too (which also builds its copy of the weights here, not on the scoring thread)
            if (rec.recommend(new int[][] {known}, new int[] {k})[0].length != Math.min(k, ids.length - known.length)) {
                throw new ModelLoadException(v.name() + " version " + v.version() + " failed its smoke check: too few items ranked");
            }
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A webhook, as {@code POST /models/reload} receives it. */
    public Reload reload(String id, String timestamp, String signatureHeader, byte[] body) {
        if (signature == null) {
            return error(401, "no webhook secret configured on this server (connection not found): reload refused");
        }
        long ts;
        try {
            ts = signature.verify(id, timestamp, signatureHeader, body, clock.instant(), settings.tolerance());
        } catch (WebhookRejectedException e) {
            return error(401, e.getMessage());
        }
        Seen seen = seenWebhooks.get(id);
        if (seen != null) {
            if (seen.timestamp() == ts) {
                return error(401, "replayed webhook: id " + id + " with this timestamp was already received");
            }
            return seen.answer();  // the sender's retry of a message already handled: same answer, nothing redone
        }
        Reload r = handleDeployment(body);
        if (r.status() < 500) {
            if (seenWebhooks.size() >= MAX_SEEN_WEBHOOKS) {
                long oldest = clock.instant().getEpochSecond() - 2 * settings.tolerance().toSeconds();
                seenWebhooks.values().removeIf(s -> s.timestamp() < oldest);
            }
            seenWebhooks.put(id, new Seen(ts, r));
        }
        return r;
    }

    private Reload handleDeployment(byte[] body) {
        ModelDeployment d;
        try {
            d = JSON.readValue(body, ModelDeployment.class);
        } catch (IOException e) {
            return error(400, "malformed deployment JSON: " + firstLine(e.getMessage()));
        }
        if (d.model() == null || !d.model().equals(settings.model())) {
            return error(404, "this server serves model '" + settings.model() + "', not '" + d.model() + "'");
        }
        Optional<ModelVersion> v = registry.version(d.model(), d.version());
        if (v.isEmpty()) {
            return error(404, "model '" + d.model() + "' has no version " + d.version() + " in the registry");
        }
        if (d.sha256() != null && v.get().sha256() != null && !d.sha256().equals(v.get().sha256())) {
            return error(422, "sha256 in the webhook does not match the registry's for version " + d.version());
        }
        return swapTo(v.get(), "webhook");
    }

    private static Reload error(int status, String message) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error", message);
        return new Reload(status, b);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private void handle(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/models/reload") && method.equals("POST")) {
            // loading a version takes seconds: not on a request thread, which keeps answering
            try {
                reloads.execute(() -> respond(ex, path, method, null));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                ex.close();
            }
            return;
        }
        respond(ex, path, method, served.get());
    }

    /** Answers one request; {@code /recommend} is answered later, by the scoring thread. */
    private void respond(HttpExchange ex, String path, String method, ServedModel model) {
        int status;
        try {
            if (path.equals("/recommend") && (method.equals("GET") || method.equals("POST"))) {
                long t0 = System.nanoTime();
                status = recommend(ex, model, method.equals("POST"), t0);
                if (status == 0) {
                    return;  // queued: the scoring thread answers, counts and closes
                }
                metrics.recommendLatency((System.nanoTime() - t0) / 1e9);
            } else if (path.equals("/health") && method.equals("GET")) {
                status = health(ex, model);
            } else if (path.equals("/metrics") && method.equals("GET")) {
                status = send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape(settings.model(), served.get()));
            } else if (path.equals("/models/reload") && method.equals("POST")) {
                byte[] body = readBody(ex);
                Reload r = body == null ? error(413, "body larger than " + MAX_BODY + " bytes")
                        : reload(ex.getRequestHeaders().getFirst(WebhookSignature.ID),
                                ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP),
                                ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE), body);
                status = sendJson(ex, r.status(), r.body());
            } else if (List.of("/recommend", "/health", "/metrics", "/models/reload").contains(path)) {
                status = sendJson(ex, 405, Map.of("error", method + " is not allowed on " + path));
            } else {
                status = sendJson(ex, 404, Map.of("error", "no such endpoint: " + path
                        + " (GET /recommend, POST /recommend, GET /health, GET /metrics, POST /models/reload)"));
            }
        } catch (IOException e) {
            status = 499;  // the client went away
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", method, path, e);
            status = sendQuietly(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
        }
        ex.close();
        if (model == null) {
            model = served.get();
        }
        metrics.request(path.length() > 40 ? "other" : path, status, model == null ? "none" : Integer.toString(model.version().version()));
    }

    private int sendQuietly(HttpExchange ex, int status, Map<String, ?> body) {
        try {
            return sendJson(ex, status, body);
        } catch (IOException | RuntimeException e) {
            return status;  // headers already sent, or the client went away
        }
    }

    private int health(HttpExchange ex, ServedModel model) throws IOException {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("status", model == null ? "no model loaded" : "ok");
        b.put("model", settings.model());
        b.put("version", model == null ? null : model.version().version());
        b.put("loaded_at", model == null ? null : model.loadedAt().toString());
        return sendJson(ex, model == null ? 503 : 200, b);
    }

    /** Answers a bad request at once (its status), or queues a good one for scoring (0). */
    private int recommend(HttpExchange ex, ServedModel model, boolean post, long t0) throws IOException {
        if (model == null) {
            return sendJson(ex, 503, Map.of("error", "no version of model '" + settings.model() + "' is loaded yet"));
        }
        List<String> raw;
        String kText;
        if (post) {
            byte[] body = readBody(ex);
            if (body == null) {
                return sendJson(ex, 413, Map.of("error", "body larger than " + MAX_BODY + " bytes"));
            }
            JsonNode n;
            try {
                n = JSON.readTree(body);
            } catch (IOException e) {
                return sendJson(ex, 400, Map.of("error", "malformed JSON: " + firstLine(e.getMessage())));
            }
            if (n == null || !n.isObject() || !n.path("items").isArray()) {
                return sendJson(ex, 400, Map.of("error", "the body must be an object with an \"items\" array, e.g. {\"items\": [3, 17], \"k\": 10}"));
            }
            raw = new ArrayList<>();
            n.get("items").forEach(i -> raw.add(i.isIntegralNumber() ? Long.toString(i.asLong()) : i.toString()));
            kText = n.has("k") ? n.get("k").asText() : null;
            if (n.has("k") && !n.get("k").isIntegralNumber()) {
                return sendJson(ex, 400, Map.of("error", "k must be an integer, got " + n.get("k")));
            }
        } else {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String items = q.get("items");
            raw = items == null || items.isBlank() ? List.of() : List.of(items.split(","));
            kText = q.get("k");
        }
        int catalogue = model.recommender().items();
        int k;
        try {
            k = kText == null ? 10 : Integer.parseInt(kText.strip());
        } catch (NumberFormatException e) {
            return sendJson(ex, 400, Map.of("error", "k must be an integer, got '" + cut(kText) + "'"));
        }
        if (k < 1 || k > catalogue) {
            return sendJson(ex, 400, Map.of("error", "k must be between 1 and " + catalogue + " (the items the model ranks), got " + k));
        }
        if (raw.isEmpty()) {
            return sendJson(ex, 400, Map.of("error", "no items given: pass the user's recent item ids, e.g. items=3,17"));
        }
        int[] known = new int[raw.size()];
        int n = 0;
        List<String> unknown = new ArrayList<>();
        for (String s : raw) {
            try {
                int id = Integer.parseInt(s.strip());
                if (model.recommender().knows(id)) {
                    known[n++] = id;
                } else {
                    unknown.add(s.strip());
                }
            } catch (NumberFormatException e) {
                unknown.add(cut(s.strip()));
            }
        }
        if (n == 0) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("error", "none of the items is known to " + settings.model() + " version " + model.version().version());
            b.put("unknown_items", unknown);
            return sendJson(ex, 400, b);
        }
        String version = Integer.toString(model.version().version());
        String unknownJson = unknown.isEmpty() ? "[]" : JSON.writeValueAsString(unknown);
        batcher.submit(model.recommender(), java.util.Arrays.copyOf(known, n), k, new RecommendBatcher.Answer() {
            @Override
            public void top(int[] top) {
                StringBuilder sb = new StringBuilder(64 + top.length * 6);
                sb.append("{\"model\":\"").append(settings.model()).append("\",\"version\":").append(version)
                        .append(",\"items\":[");
                for (int i = 0; i < top.length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(top[i]);
                }
                sb.append("],\"unknown_items\":").append(unknownJson).append('}');
                int status;
                try {
                    status = send(ex, 200, "application/json", sb.toString());
                } catch (IOException e) {
                    status = 499;
                }
                finish(ex, status, version, t0);
            }

            @Override
            public void failed(RuntimeException e) {
                LOG.warn("GET /recommend failed", e);
                finish(ex, sendQuietly(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName())), version, t0);
            }
        });
        return 0;
    }

    private void finish(HttpExchange ex, int status, String version, long t0) {
        ex.close();
        metrics.recommendLatency((System.nanoTime() - t0) / 1e9);
        metrics.request("/recommend", status, version);
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String kv : raw.split("&")) {
            String[] p = kv.split("=", 2);
            q.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        return q;
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            return b.length > MAX_BODY ? null : b;
        }
    }

    private static int sendJson(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        return send(ex, status, "application/json", JSON.writeValueAsString(body));
    }

    private static int send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /** How many swaps succeeded and failed (for tests and the benchmark). */
    public long reloads(boolean ok) {
        return metrics.reloads(ok ? "ok" : "failed");
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (http != null) {
            http.stop(0);
        }
        if (reloads != null) {
            reloads.shutdownNow();
        }
        if (parsers != null) {
            parsers.shutdownNow();
        }
        batcher.close();
    }
}
