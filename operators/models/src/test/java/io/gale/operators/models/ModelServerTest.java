package io.gale.operators.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.artifact.RecVaeRecommender;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.model.EpochStats;
import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.model.TrainingResult;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.testing.Await;
import io.gale.testing.MutableClock;
import io.gale.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale serve}'s server over real sockets and a real registry: answers, bad input, signed reloads and swaps under load. */
class ModelServerTest {
    static final int ITEMS = 60;
    static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("a-test-secret-of-some-length".getBytes());
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Database db;
    static int counter;

    ModelRegistry models;
    String name;
    MutableClock clock;
    ModelServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void openDb() {
        db = TestDatabase.fresh();
    }

    @AfterAll
    static void closeDb() {
        db.close();
    }

    static int[] itemIds() {
        int[] ids = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            ids[i] = 1000 + 7 * i;
        }
        return ids;
    }

    /** A saved model (untrained weights from a seed) in a folder of its own. */
    static Path artifact(long seed) {
        RecVae m = new RecVae(ITEMS, RecVaeConfig.defaults().withDimensions(16, 4).withThreads(1).withSeed(seed));
        TrainingResult tr = new TrainingResult(m, 1, 0.3, List.of(new EpochStats(1, 1, 1, 0.3, 1, 1)));
        return RecVaeArtifacts.save(dir.resolve("m" + seed + "-" + (counter++)), m, itemIds(), new EvaluationResult(0.3, 0.2, 0.4, 10), tr);
    }

    ModelVersion register(Path weights, boolean promote) {
        ModelVersion v = models.register(new NewModelVersion(name, promote ? 0.3 : 0.2, Map.of(), Map.of(), weights.toUri(),
                ModelServer.sha256(weights), null, null, "dag", "run"), io.gale.api.PromotionPolicy.bestScore()).version();
        if (!promote && v.current()) {
            throw new AssertionError("expected not promoted");
        }
        return v;
    }

    @BeforeEach
    void start() throws Exception {
        models = new JooqStore(db).models();
        name = "m" + (counter++);
        clock = new MutableClock(Instant.now());
        register(artifact(1), true);
        server = new ModelServer(models, ArtifactLoader.local(), WebhookSignature.of(SECRET), clock,
                ModelServer.Settings.defaults().withHost("127.0.0.1").withPort(0).withModel(name).withPollInterval(Duration.ZERO)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String deployment(int version) throws Exception {
        ModelVersion v = models.version(name, version).orElseThrow();
        return JSON.writeValueAsString(ModelDeployment.of(v));
    }

    String deployment(String model, int version) throws Exception {
        return JSON.writeValueAsString(new ModelDeployment(model, version, "file:///x", null, 0.1, null));
    }

    HttpResponse<String> hook(String id, long ts, String body, String secret) throws Exception {
        String sig = WebhookSignature.of(secret).sign(id, ts, body.getBytes(StandardCharsets.UTF_8));
        return post("/models/reload", body, Map.of("webhook-id", id, "webhook-timestamp", Long.toString(ts), "webhook-signature", sig));
    }

    HttpResponse<String> hook(String id, String body) throws Exception {
        return hook(id, clock.instant().getEpochSecond(), body, SECRET);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /**
     * Whether {@code items} is a top-k of {@code rec} for {@code known}: k distinct unseen items whose
     * scores descend and are at least the k-th best score, all within float noise (requests are scored
     * in batches, which may change the last bits of a score, and so the order of near-ties).
     */
    static boolean isTopK(RecVaeRecommender rec, int[] known, List<Integer> items, int k) {
        float[] s = rec.scores(known);
        int[] ids = rec.sidecar().itemIds();
        Map<Integer, Integer> col = new java.util.HashMap<>();
        for (int c = 0; c < ids.length; c++) {
            col.put(ids[c], c);
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int id : known) {
            seen.add(col.get(id));
        }
        float[] rest = new float[ids.length - seen.size()];
        int n = 0;
        for (int c = 0; c < ids.length; c++) {
            if (!seen.contains(c)) {
                rest[n++] = s[c];
            }
        }
        Arrays.sort(rest);
        float kth = rest[rest.length - k];
        float eps = 1e-4f;
        if (items.size() != k || new java.util.HashSet<>(items).size() != k) {
            return false;
        }
        float prev = Float.POSITIVE_INFINITY;
        for (int id : items) {
            Integer c = col.get(id);
            if (c == null || seen.contains(c) || s[c] < kth - eps || s[c] > prev + eps) {
                return false;
            }
            prev = s[c];
        }
        return true;
    }

    int servedVersion() {
        return server.served().orElseThrow().version().version();
    }

    @Test
    void recommendsHealthAndMetrics() throws Exception {
        HttpResponse<String> r = get("/recommend?items=1000,1007&k=5");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = json(r);
        assertThat(n.get("version").asInt()).isEqualTo(1);
        List<Integer> items = new ArrayList<>();
        n.get("items").forEach(i -> items.add(i.asInt()));
        RecVaeRecommender v1 = RecVaeArtifacts.load(Path.of(models.version(name, 1).orElseThrow().artifactUri()));
        assertThat(isTopK(v1, new int[] {1000, 1007}, items, 5)).as("top 5 of version 1: " + items).isTrue();
        assertThat(items).doesNotContain(1000, 1007);

        HttpResponse<String> p = post("/recommend", "{\"items\": [1000, 1007, 424242], \"k\": 5}", Map.of());
        assertThat(p.statusCode()).isEqualTo(200);
        assertThat(json(p).get("items")).isEqualTo(n.get("items"));
        assertThat(json(p).get("unknown_items").toString()).isEqualTo("[\"424242\"]");

        HttpResponse<String> h = get("/health");
        assertThat(json(h).get("version").asInt()).isEqualTo(1);
        assertThat(json(h).get("loaded_at").asText()).isNotEmpty();
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("gale_serve_requests_total{endpoint=\"/recommend\",status=\"200\",model=\"" + name + "\",version=\"1\"} 2")
                .contains("gale_serve_recommend_seconds_bucket{le=\"+Inf\"} 2", "gale_serve_model_info{model=\"" + name + "\",version=\"1\"} 1");
    }

    @Test
    void aClientStalledInTheMiddleOfItsRequestDoesNotHoldTheOthers() throws Exception {
        try (java.net.Socket stalled = new java.net.Socket("127.0.0.1", server.port())) {
            stalled.getOutputStream().write("GET /recommend?items=10".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/recommend?items=1000&k=3")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("answered beside the stalled client").isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void badRecommendRequestsAre400WithAReason() throws Exception {
        HttpResponse<String> none = get("/recommend?items=5,6&k=3");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("error").asText()).contains("none of the items is known");
        assertThat(json(none).get("unknown_items").toString()).isEqualTo("[\"5\",\"6\"]");
        assertThat(json(get("/recommend?items=1000&k=0")).get("error").asText()).contains("k must be between 1 and " + ITEMS);
        assertThat(get("/recommend?items=1000&k=-1").statusCode()).isEqualTo(400);
        assertThat(json(get("/recommend?items=1000&k=100000000")).get("error").asText()).contains("got 100000000");
        assertThat(json(get("/recommend?items=1000&k=ten")).get("error").asText()).contains("k must be an integer");
        assertThat(json(get("/recommend?k=3")).get("error").asText()).contains("no items given");
        HttpResponse<String> malformed = post("/recommend", "{\"items\": [1000,", Map.of());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").asText()).startsWith("malformed JSON");
        assertThat(post("/recommend", "[1000]", Map.of()).statusCode()).isEqualTo(400);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/models/reload").statusCode()).isEqualTo(405);
        // the ignored ids are listed, the known one answered
        HttpResponse<String> some = get("/recommend?items=1000,abc,99&k=3");
        assertThat(some.statusCode()).isEqualTo(200);
        assertThat(json(some).get("unknown_items").toString()).isEqualTo("[\"abc\",\"99\"]");
    }

    @Test
    void aSignedWebhookSwapsAndBadOnesChangeNothing() throws Exception {
        ModelVersion v2 = register(artifact(2), false);
        String body = deployment(2);
        long now = clock.instant().getEpochSecond();

        assertThat(hook("msg_bad", now, body, "whsec_" + java.util.Base64.getEncoder().encodeToString("wrong".getBytes())).statusCode()).isEqualTo(401);
        HttpResponse<String> old = hook("msg_old", now - 301, body, SECRET);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(json(old).get("error").asText()).contains("too old or replayed");
        assertThat(post("/models/reload", body, Map.of()).statusCode()).isEqualTo(401);
        assertThat(json(hook("msg_other_model", deployment("other", 2))).get("error").asText()).contains("serves model '" + name + "', not 'other'");
        HttpResponse<String> unknown = hook("msg_unknown_version", deployment(name, 99));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).contains("has no version 99 in the registry");
        assertThat(hook("msg_malformed", "{\"model\":").statusCode()).isEqualTo(400);
        assertThat(servedVersion()).isEqualTo(1);

        HttpResponse<String> ok = hook("msg_deploy_2", now, body, SECRET);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).get("status").asText()).isEqualTo("reloaded");
        assertThat(json(ok).get("previous_version").asInt()).isEqualTo(1);
        assertThat(servedVersion()).isEqualTo(v2.version());
        assertThat(json(get("/recommend?items=1000")).get("version").asInt()).isEqualTo(2);

        // the exact message again is a replay; the sender's retry (same id, new timestamp) gets the same answer
        HttpResponse<String> replay = hook("msg_deploy_2", now, body, SECRET);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(json(replay).get("error").asText()).contains("replayed");
        clock.set(clock.instant().plusSeconds(5));
        HttpResponse<String> retry = hook("msg_deploy_2", body);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(ok.body());
        assertThat(server.reloads(true)).as("the load at start and one swap").isEqualTo(2);
    }

    @Test
    void aTruncatedArtifactOrAChecksumMismatchIs422AndTheOldVersionKeepsServing() throws Exception {
        Path good = artifact(3);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = artifact(4);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        // registered with the truncated file's own checksum: it passes the checksum and fails to load
        ModelVersion t = register(truncated, false);
        HttpResponse<String> r = hook("msg_truncated", deployment(t.version()));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("error").asText()).contains("does not load", truncated.toString());
        assertThat(json(r).get("serving_version").asInt()).isEqualTo(1);

        ModelVersion c = register(good, false);
        Files.write(good, Arrays.copyOf(bytes, bytes.length), java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        Files.write(good, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);  // the file changed after registration
        HttpResponse<String> m = hook("msg_checksum", deployment(c.version()));
        assertThat(m.statusCode()).isEqualTo(422);
        assertThat(json(m).get("error").asText()).contains("checksum mismatch");
        assertThat(servedVersion()).isEqualTo(1);
        assertThat(get("/recommend?items=1000").statusCode()).isEqualTo(200);
        assertThat(server.reloads(false)).isEqualTo(2);
    }

    @Test
    void twentySwapsUnderLoadFailNoRequestAndEveryAnswerIsAWholeVersion() throws Exception {
        ModelVersion v2 = register(artifact(5), false);
        int[] known = {1000, 1007, 1014};
        Map<Integer, RecVaeRecommender> byVersion = Map.of(
                1, RecVaeArtifacts.load(Path.of(models.version(name, 1).orElseThrow().artifactUri())),
                v2.version(), RecVaeArtifacts.load(Path.of(v2.artifactUri())));
        List<Integer> top1 = Arrays.stream(byVersion.get(1).recommend(known, 20)).boxed().toList();
        // the two versions disagree, so an answer computed with the other (or a half-loaded) model fails the check
        assertThat(isTopK(byVersion.get(v2.version()), known, top1, 20)).isFalse();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        java.util.Set<Integer> versionsSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = get("/recommend?items=1000,1007,1014&k=20");
                        JsonNode n = json(r);
                        List<Integer> items = new ArrayList<>();
                        n.get("items").forEach(i -> items.add(i.asInt()));
                        RecVaeRecommender m = byVersion.get(n.get("version").asInt());
                        if (r.statusCode() != 200 || m == null || !isTopK(m, known, items, 20)) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                        versionsSeen.add(n.get("version").asInt());
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        try {
            for (int i = 0; i < 20; i++) {
                int target = i % 2 == 0 ? v2.version() : 1;
                int before = answered.get();
                Await.until(Duration.ofSeconds(10), "requests between swaps", () -> answered.get() > before + 5);
                HttpResponse<String> r = hook("msg_swap_" + i, deployment(target));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(servedVersion()).isEqualTo(target);
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(versionsSeen).containsExactlyInAnyOrder(1, v2.version());
        assertThat(server.reloads(true)).as("the load at start and 20 swaps").isEqualTo(21);
    }

    @Test
    void theRegistryPollSwapsWhenAHookIsLost() throws Exception {
        server.close();
        server = new ModelServer(models, ArtifactLoader.local(), WebhookSignature.of(SECRET), clock,
                ModelServer.Settings.defaults().withHost("127.0.0.1").withPort(0).withModel(name)
                        .withPollInterval(Duration.ofMillis(100))).start();
        ModelVersion v2 = register(artifact(6), false);
        assertThat(servedVersion()).isEqualTo(1);
        models.promote(name, v2.version());
        Await.until(Duration.ofSeconds(10), "the poll to swap in version " + v2.version(), () -> servedVersion() == v2.version());
        models.rollback(name);
        Await.until(Duration.ofSeconds(10), "the poll to swap back to version 1 after a rollback", () -> servedVersion() == 1);
    }
}
