package io.gale.operators.github;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a crawl did, counted as it goes (thread-safe), and pushed to XCom by the operators through
 * {@link #toMap()}: requests, pages fetched, 304s, rows inserted and updated, retries, waits by reason.
 */
public final class CrawlReport {

    /** Why a crawl waited. */
    public enum WaitReason {
        /** {@code x-ratelimit-remaining} reached 0: until {@code x-ratelimit-reset}. */
        PRIMARY_LIMIT,
        /** A 403/429 secondary limit ({@code retry-after}, or a minute and doubling). */
        SECONDARY_LIMIT,
        /** A 5xx, a dropped connection, a timeout or a non-JSON answer, retried. */
        BACKOFF
    }

    final AtomicLong requests = new AtomicLong();
    final AtomicLong pagesFetched = new AtomicLong();
    final AtomicLong notModified = new AtomicLong();
    final AtomicLong pagesCommitted = new AtomicLong();
    final AtomicLong repositories = new AtomicLong();
    final AtomicLong starsInserted = new AtomicLong();
    final AtomicLong starsUpdated = new AtomicLong();
    final AtomicLong usersInserted = new AtomicLong();
    final AtomicLong usersUpdated = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    private final Map<WaitReason, long[]> waits = new TreeMap<>();
    private final List<String> notFound = new ArrayList<>();
    private final List<String> truncated = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    synchronized void waited(WaitReason reason, Duration d) {
        long[] w = waits.computeIfAbsent(reason, r -> new long[2]);
        w[0]++;
        w[1] += Math.max(0, d.toMillis());
    }

    synchronized void notFound(String repo) {
        notFound.add(repo);
    }

    synchronized void truncated(String repo) {
        truncated.add(repo);
    }

    synchronized void failed(String repoAndReason) {
        failed.add(repoAndReason);
    }

    synchronized void problem(String line) {
        problems.add(line);
    }

    public long requests() {
        return requests.get();
    }

    public long pagesFetched() {
        return pagesFetched.get();
    }

    public long notModified() {
        return notModified.get();
    }

    public long pagesCommitted() {
        return pagesCommitted.get();
    }

    public long starsInserted() {
        return starsInserted.get();
    }

    public long starsUpdated() {
        return starsUpdated.get();
    }

    public long usersInserted() {
        return usersInserted.get();
    }

    public long retries() {
        return retries.get();
    }

    /** How many waits there were for {@code reason}. */
    public synchronized long waits(WaitReason reason) {
        long[] w = waits.get(reason);
        return w == null ? 0 : w[0];
    }

    public synchronized List<String> notFound() {
        return List.copyOf(notFound);
    }

    public synchronized List<String> truncated() {
        return List.copyOf(truncated);
    }

    public synchronized List<String> failed() {
        return List.copyOf(failed);
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** The counts as an XCom value. */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repositories", repositories.get());
        m.put("requests", requests.get());
        m.put("pages_fetched", pagesFetched.get());
        m.put("not_modified", notModified.get());
        m.put("pages_committed", pagesCommitted.get());
        m.put("stars_inserted", starsInserted.get());
        m.put("stars_updated", starsUpdated.get());
        m.put("users_inserted", usersInserted.get());
        m.put("users_updated", usersUpdated.get());
        m.put("retries", retries.get());
        Map<String, Object> w = new LinkedHashMap<>();
        waits.forEach((reason, v) -> w.put(reason.name().toLowerCase(java.util.Locale.ROOT),
                Map.of("count", v[0], "seconds", v[1] / 1000.0)));
        m.put("waits", w);
        m.put("not_found", List.copyOf(notFound));
        m.put("truncated", List.copyOf(truncated));
        m.put("failed", List.copyOf(failed));
        m.put("problems", List.copyOf(problems));
        return m;
    }
}
