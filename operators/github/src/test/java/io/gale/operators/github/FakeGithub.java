package io.gale.operators.github;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A GitHub REST API on 127.0.0.1 for tests, the benchmark and {@code ./gale dags test
 * github_stars_crawl}: {@code /repos/{o}/{r}}, {@code /repositories/{id}}, stargazers pages with
 * {@code starred_at}, {@code Link} headers, ETags and 304s, GitHub's page cap (422), renamed
 * repositories (301), {@code /search/repositories}, tokens (401 for an unknown one), a primary
 * limit per token and window with the {@code x-ratelimit-*} headers, and scripted faults.
 * Its clock is injectable: tests move it instead of waiting for a window to end.
 */
public final class FakeGithub implements AutoCloseable {

    /** A repository and its stargazers: star {@code k} is by user {@link #userOf}. */
    public record Repo(long id, String fullName, int stars, String language, List<String> topics) {
    }

    /** A scripted answer to the next request matching a path predicate. */
    public sealed interface Fault {
        /** An answer with this status, headers and body. */
        record Status(int code, Map<String, String> headers, String body) implements Fault {
        }

        /** The connection is dropped in the middle of the body. */
        record Drop() implements Fault {
        }

        /** The normal answer, after a delay. */
        record Slow(Duration delay) implements Fault {
        }

        /** A 200 with an HTML body. */
        record NotJson() implements Fault {
        }

        /** The normal answer, with a {@code Link rel="next"} to another host. */
        record ForeignLink() implements Fault {
        }
    }

    private record Scripted(Predicate<String> path, Fault fault) {
    }

    public static final int USERS = 50_000;
    private static final Instant EPOCH = Instant.parse("2015-01-01T00:00:00Z");
    private static final String HTML = "<html><body><h1>502 Bad Gateway</h1></body></html>";

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService threads;
    private final Map<String, Repo> byName = new ConcurrentHashMap<>();
    private final Map<Long, Repo> byId = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Scripted> faults = new ConcurrentLinkedQueue<>();
    private final Map<String, PageBody> pageCache = new ConcurrentHashMap<>();
    private volatile int pageCap = 400;
    private volatile int limit = Integer.MAX_VALUE;
    private volatile int anonymousLimit = 60;
    private volatile Duration window = Duration.ofHours(1);
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean allowAnonymous = true;
    private volatile int users = USERS;
    private final Map<String, long[]> windows = new HashMap<>();
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong pagesServed = new AtomicLong();
    public final AtomicLong notModified = new AtomicLong();
    /** Requests answered 403 because a credential's window was spent (a crawler that respects limits causes none). */
    public final AtomicLong overLimit = new AtomicLong();
    /** The most requests any credential spent in one window. */
    public final AtomicLong maxUsedInWindow = new AtomicLong();
    /** The Authorization headers seen, to check what a crawler sent. */
    public final List<String> authorizations = java.util.Collections.synchronizedList(new ArrayList<>());

    public FakeGithub(Clock clock) throws IOException {
        this(clock, 0);
    }

    static {
        // the JDK server writes headers and body in separate packets: without TCP_NODELAY, Nagle
        // and delayed ACKs hold every keep-alive response back ~40 ms (read once, at its first use)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public FakeGithub(Clock clock, int port) throws IOException {
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        this.threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-github");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeGithub repo(String fullName, long id, int stars) {
        Repo r = new Repo(id, fullName, stars, "Java", List.of("ml", "recsys"));
        byName.put(fullName.toLowerCase(), r);
        byId.put(id, r);
        return this;
    }

    /** {@code count} repositories {@code gale-fake/repo-NNN} (ids from 1000) with {@code stars} stargazers each. */
    public FakeGithub repos(int count, int stars) {
        for (int i = 0; i < count; i++) {
            repo(String.format("gale-fake/repo-%03d", i), 1000 + i, stars);
        }
        return this;
    }

    /** The names of the repositories, in id order. */
    public List<String> names() {
        return byId.values().stream().sorted(java.util.Comparator.comparingLong(Repo::id)).map(Repo::fullName).toList();
    }

    /** The repository now answers to {@code newName}; the old name redirects with a 301. */
    public FakeGithub rename(String oldName, String newName) {
        Repo r = byName.remove(oldName.toLowerCase());
        Repo moved = new Repo(r.id(), newName, r.stars(), r.language(), r.topics());
        byName.put(newName.toLowerCase(), moved);
        byId.put(r.id(), moved);
        renamed.put(oldName.toLowerCase(), newName);
        return this;
    }

    /** The repository gets more stargazers (its pages change, and so their ETags). */
    public FakeGithub setStars(String fullName, int stars) {
        Repo r = byName.get(fullName.toLowerCase());
        Repo changed = new Repo(r.id(), r.fullName(), stars, r.language(), r.topics());
        byName.put(fullName.toLowerCase(), changed);
        byId.put(r.id(), changed);
        return this;
    }

    /** A valid token; requests with any other token get a 401. */
    public FakeGithub token(String token, String name) {
        tokens.put(token, name);
        return this;
    }

    /** Requests per window per credential ({@code x-ratelimit-limit}), and the window. */
    public FakeGithub limit(int perWindow, Duration window) {
        this.limit = perWindow;
        this.window = window;
        return this;
    }

    public FakeGithub anonymousLimit(int perWindow) {
        this.anonymousLimit = perWindow;
        return this;
    }

    public FakeGithub allowAnonymous(boolean allow) {
        this.allowAnonymous = allow;
        return this;
    }

    /** GitHub serves stargazer pages up to this one; later pages get a 422. */
    public FakeGithub pageCap(int pages) {
        this.pageCap = pages;
        return this;
    }

    /** Every answer waits this long. */
    public FakeGithub delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** The next request whose path contains {@code pathPart} gets {@code fault} (once). */
    public FakeGithub fault(String pathPart, Fault fault) {
        faults.add(new Scripted(p -> p.contains(pathPart), fault));
        return this;
    }

    /** The user of star {@code k} (0-based) of repository {@code repoId} among {@value #USERS} users. */
    public static long userOf(long repoId, int k) {
        return userOf(repoId, k, USERS);
    }

    /** The user of star {@code k} of repository {@code repoId} among {@code users} (not a multiple of 7): distinct within a repository. */
    public static long userOf(long repoId, int k, int users) {
        long offset = (repoId * 7919) % users;
        return 1 + (offset + (long) k * 7) % users;
    }

    /** Stargazers are drawn from this many users (fewer users: more repositories per user). */
    public FakeGithub users(int n) {
        if (n % 7 == 0 || n < 1) {
            throw new IllegalArgumentException("users must be positive and not a multiple of 7");
        }
        this.users = n;
        return this;
    }

    public static Instant starredAt(long repoId, int k) {
        return EPOCH.plusSeconds(repoId * 1000 + k * 3600L);
    }

    // ---- serving --------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String raw = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            Fault fault = takeFault(raw + (query == null ? "" : "?" + query));
            if (!delay.isZero()) {
                pause(delay);
            }
            if (fault instanceof Fault.Slow slow) {
                pause(slow.delay());
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            String who;
            if (auth == null) {
                if (!allowAnonymous) {
                    send(ex, 401, Map.of(), json("{\"message\":\"Requires authentication\"}"));
                    return;
                }
                who = "anonymous";
            } else {
                who = auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
                if (who == null) {
                    send(ex, 401, Map.of(), json("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}"));
                    return;
                }
            }
            if (fault instanceof Fault.Status s) {
                send(ex, s.code(), s.headers(), s.body() == null ? new byte[0] : s.body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (fault instanceof Fault.Drop) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 10_000);
                ex.getResponseBody().write("[{\"starred_at\":".getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
                // the exchange closes with 10,000 bytes promised: the client sees the connection end early
                return;
            }
            if (fault instanceof Fault.NotJson) {
                ex.getResponseHeaders().set("Content-Type", "text/html");
                send(ex, 200, Map.of(), HTML.getBytes(StandardCharsets.UTF_8));
                return;
            }
            String resource = raw.startsWith("/search/") ? "search" : "core";
            Map<String, String> rate = new LinkedHashMap<>();
            boolean conditional = ex.getRequestHeaders().getFirst("If-None-Match") != null;
            if (!spend(who, resource, rate, conditional)) {
                overLimit.incrementAndGet();
                send(ex, 403, rate, json("{\"message\":\"API rate limit exceeded for " + who + ".\"}"));
                return;
            }
            route(ex, raw, query, rate, fault instanceof Fault.ForeignLink);
        } catch (IOException | RuntimeException e) {
            // a dropped connection or a client gone: nothing more to send
        }
    }

    /**
     * Counts a request against the credential's window and fills the rate headers; false when the
     * window is spent. A conditional request is counted after the fact (a 304 is free, as on GitHub).
     */
    private boolean spend(String who, String resource, Map<String, String> rate, boolean conditional) {
        int max = who.equals("anonymous") ? anonymousLimit : limit;
        if (max == Integer.MAX_VALUE) {
            return true;
        }
        long w = window.toMillis();
        long now = clock.millis();
        long start = now - Math.floorMod(now, w);
        long reset = (start + w + 999) / 1000;
        synchronized (windows) {
            long[] used = windows.computeIfAbsent(who + "/" + resource, k -> new long[2]);
            if (used[0] != start) {
                used[0] = start;
                used[1] = 0;
            }
            boolean ok = used[1] < max;
            if (ok) {
                used[1]++;
                maxUsedInWindow.accumulateAndGet(used[1], Math::max);
            }
            rate.put("x-ratelimit-limit", String.valueOf(max));
            rate.put("x-ratelimit-remaining", String.valueOf(max - used[1]));
            rate.put("x-ratelimit-reset", String.valueOf(reset));
            rate.put("x-ratelimit-used", String.valueOf(used[1]));
            rate.put("x-ratelimit-resource", resource);
            return ok;
        }
    }

    /** Requests the credential ({@code anonymous} without a token) spent in the current window. */
    public long used(String who, String resource) {
        synchronized (windows) {
            long[] used = windows.get(who + "/" + resource);
            return used == null ? 0 : used[1];
        }
    }

    private void refund(String who, String resource) {
        synchronized (windows) {
            long[] used = windows.get(who + "/" + resource);
            if (used != null && used[1] > 0) {
                used[1]--;
            }
        }
    }

    private void route(HttpExchange ex, String raw, String query, Map<String, String> rate, boolean foreignLink) throws IOException {
        String[] p = raw.split("/");
        Map<String, String> q = query(query);
        // /repos/{o}/{r}[/stargazers] or /repositories/{id}[/stargazers]
        Repo repo = null;
        String rest = null;
        if (p.length >= 4 && p[1].equals("repos")) {
            String name = dec(p[2]) + "/" + dec(p[3]);
            String now = renamed.get(name.toLowerCase());
            if (now != null) {
                Repo moved = byName.get(now.toLowerCase());
                String tail = p.length > 4 ? "/" + p[4] : "";
                Map<String, String> h = new LinkedHashMap<>(rate);
                h.put("Location", url() + "/repositories/" + moved.id() + tail + (query == null ? "" : "?" + query));
                send(ex, 301, h, json("{\"message\":\"Moved Permanently\"}"));
                return;
            }
            repo = byName.get(name.toLowerCase());
            rest = p.length > 4 ? p[4] : null;
        } else if (p.length >= 3 && p[1].equals("repositories")) {
            try {
                repo = byId.get(Long.parseLong(p[2]));
            } catch (NumberFormatException e) {
                repo = null;
            }
            rest = p.length > 3 ? p[3] : null;
        } else if (raw.equals("/search/repositories")) {
            search(ex, q, rate);
            return;
        }
        if (repo == null) {
            send(ex, 404, rate, json("{\"message\":\"Not Found\"}"));
            return;
        }
        if (rest == null) {
            send(ex, 200, rate, json(repoJson(repo)));
        } else if (rest.equals("stargazers")) {
            stargazers(ex, repo, q, rate, foreignLink);
        } else {
            send(ex, 404, rate, json("{\"message\":\"Not Found\"}"));
        }
    }

    private void stargazers(HttpExchange ex, Repo repo, Map<String, String> q, Map<String, String> rate, boolean foreignLink) throws IOException {
        int per = Math.min(100, Integer.parseInt(q.getOrDefault("per_page", "30")));
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        int pages = Math.max(1, (repo.stars() + per - 1) / per);
        if (page > pageCap) {
            send(ex, 422, rate, json("{\"message\":\"In order to keep the API fast for everyone, pagination is limited for this resource.\"}"));
            return;
        }
        boolean withDates = "application/vnd.github.star+json".equals(ex.getRequestHeaders().getFirst("Accept"));
        int usersNow = users;
        String key = repo.id() + "/" + repo.stars() + "/" + page + "/" + per + "/" + withDates + "/" + usersNow;
        PageBody cached = pageCache.computeIfAbsent(key, k -> page(repo, page, per, withDates, usersNow));
        byte[] body = cached.body();
        String etag = cached.etag();
        Map<String, String> h = new LinkedHashMap<>(rate);
        h.put("ETag", etag);
        String inm = ex.getRequestHeaders().getFirst("If-None-Match");
        if (etag.equals(inm)) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            refund(auth == null ? "anonymous" : tokens.get(auth.substring(7)), "core");
            notModified.incrementAndGet();
            send(ex, 304, h, new byte[0]);
            return;
        }
        String base = (foreignLink ? "http://evil.example:80" : url().toString()) + "/repositories/" + repo.id() + "/stargazers?per_page=" + per + "&page=";
        List<String> links = new ArrayList<>();
        if (page < pages) {
            links.add("<" + base + (page + 1) + ">; rel=\"next\"");
            links.add("<" + base + pages + ">; rel=\"last\"");
        }
        if (page > 1) {
            links.add("<" + base + "1>; rel=\"first\"");
            links.add("<" + base + (page - 1) + ">; rel=\"prev\"");
        }
        if (!links.isEmpty()) {
            h.put("Link", String.join(", ", links));
        }
        pagesServed.incrementAndGet();
        send(ex, 200, h, body);
    }

    /** A stargazer page's body and ETag (computed once: the fake's own cost stays out of the benchmark). */
    private static PageBody page(Repo repo, int page, int per, boolean withDates, int users) {
        StringBuilder b = new StringBuilder(40_000).append('[');
        for (int k = (page - 1) * per; k < Math.min(repo.stars(), page * per); k++) {
            if (b.length() > 1) {
                b.append(',');
            }
            long u = userOf(repo.id(), k, users);
            String user = "{\"login\":\"user" + u + "\",\"id\":" + u + ",\"node_id\":\"MDQ6VXNlcj" + u
                    + "\",\"avatar_url\":\"https://avatars.githubusercontent.com/u/" + u + "?v=4\",\"url\":\"https://api.github.com/users/user" + u
                    + "\",\"html_url\":\"https://github.com/user" + u + "\",\"type\":\"User\",\"site_admin\":false}";
            b.append(withDates ? "{\"starred_at\":\"" + starredAt(repo.id(), k) + "\",\"user\":" + user + "}" : user);
        }
        b.append(']');
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        return new PageBody(body, "W/\"" + sha(body) + "\"");
    }

    private record PageBody(byte[] body, String etag) {
    }

    private void search(HttpExchange ex, Map<String, String> q, Map<String, String> rate) throws IOException {
        String term = q.getOrDefault("q", "");
        int per = Math.min(100, Integer.parseInt(q.getOrDefault("per_page", "30")));
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        List<Repo> hits = byId.values().stream().filter(r -> r.fullName().contains(term.split(" ")[0]))
                .sorted(java.util.Comparator.comparingLong(Repo::id)).toList();
        if ((page - 1) * per >= 1000) {
            send(ex, 422, rate, json("{\"message\":\"Only the first 1000 search results are available\"}"));
            return;
        }
        StringBuilder b = new StringBuilder("{\"total_count\":" + hits.size() + ",\"incomplete_results\":false,\"items\":[");
        int from = (page - 1) * per;
        for (int i = from; i < Math.min(hits.size(), from + per); i++) {
            b.append(i > from ? "," : "").append(repoJson(hits.get(i)));
        }
        b.append("]}");
        Map<String, String> h = new LinkedHashMap<>(rate);
        if (from + per < Math.min(hits.size(), 1000)) {
            h.put("Link", "<" + url() + "/search/repositories?q=" + java.net.URLEncoder.encode(term, StandardCharsets.UTF_8)
                    + "&per_page=" + per + "&page=" + (page + 1) + ">; rel=\"next\"");
        }
        send(ex, 200, h, json(b.toString()));
    }

    private static String repoJson(Repo r) {
        return "{\"id\":" + r.id() + ",\"node_id\":\"R_" + r.id() + "\",\"name\":\"" + r.fullName().substring(r.fullName().indexOf('/') + 1)
                + "\",\"full_name\":\"" + r.fullName() + "\",\"private\":false,\"stargazers_count\":" + r.stars()
                + ",\"language\":\"" + r.language() + "\",\"topics\":[" + String.join(",", r.topics().stream().map(t -> "\"" + t + "\"").toList())
                + "],\"updated_at\":\"2026-11-30T12:00:00Z\"}";
    }

    private Fault takeFault(String path) {
        for (Scripted s : faults) {
            if (s.path().test(path) && faults.remove(s)) {
                return s.fault();
            }
        }
        return null;
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (!ex.getResponseHeaders().containsKey("Content-Type")) {
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        if (status == 304) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                q.put(dec(p[0]), p.length > 1 ? dec(p[1]) : "");
            }
        }
        return q;
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String sha(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // the server's own latency, not test synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /**
     * Runs the fake on its own: {@code --port 9300 --repos 60 --stars 500 --users 3000 --page-cap 400
     * [--token TOKEN]... [--limit N --window-seconds S] [--anonymous-limit N] [--delay-ms MS]}
     * (anonymous requests are unlimited unless said); prints its URL and runs until killed.
     */
    public static void main(String[] args) throws Exception {
        int port = 9300;
        int repos = 60;
        int stars = 500;
        FakeGithub fake = null;
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> tokenList = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--token")) {
                tokenList.add(args[i + 1]);
            } else {
                opts.put(args[i], args[i + 1]);
            }
        }
        port = Integer.parseInt(opts.getOrDefault("--port", String.valueOf(port)));
        repos = Integer.parseInt(opts.getOrDefault("--repos", String.valueOf(repos)));
        stars = Integer.parseInt(opts.getOrDefault("--stars", String.valueOf(stars)));
        fake = new FakeGithub(Clock.systemUTC(), port).repos(repos, stars)
                .users(Integer.parseInt(opts.getOrDefault("--users", "3000")))
                .anonymousLimit(Integer.parseInt(opts.getOrDefault("--anonymous-limit", String.valueOf(Integer.MAX_VALUE))))
                .pageCap(Integer.parseInt(opts.getOrDefault("--page-cap", "400")));
        for (int i = 0; i < tokenList.size(); i++) {
            fake.token(tokenList.get(i), "token" + (i + 1));
        }
        if (opts.containsKey("--limit")) {
            fake.limit(Integer.parseInt(opts.get("--limit")), Duration.ofSeconds(Long.parseLong(opts.getOrDefault("--window-seconds", "60"))));
        }
        if (opts.containsKey("--delay-ms")) {
            fake.delay(Duration.ofMillis(Long.parseLong(opts.get("--delay-ms"))));
        }
        System.out.println("fake GitHub API on " + fake.url() + ": " + repos + " repositories gale-fake/repo-000.."
                + String.format("gale-fake/repo-%03d", repos - 1) + " with " + stars + " stargazers each");
        System.out.flush();
        Thread.currentThread().join();
    }
}
