package io.gale.operators.github;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * How a crawl talks to GitHub and writes what it gets.
 *
 * @param apiUrl the API root ({@code https://api.github.com}; plain {@code http} only for loopback)
 * @param maxPages stargazer pages per repository (100 stars each); more are recorded as truncated
 * @param concurrency requests in flight per credential (1: serial, as GitHub asks)
 * @param queuePages fetched pages that may wait for a writer before fetching blocks (per writer)
 * @param batchPages the most pages committed in one transaction
 * @param writers threads committing pages, each for its own share of the repositories (pages of one
 *     repository are committed in order by one writer)
 * @param requestTimeout the longest wait for one response
 * @param maxAttempts tries of one request on 5xx, connection errors, timeouts and non-JSON answers
 * @param backoff the first back-off after such an error (doubling, at most a minute)
 * @param secondaryWait the wait after a secondary limit without {@code retry-after} (doubling while it repeats)
 * @param maxWait the longest single wait for a {@code retry-after}; longer ones are capped and logged
 */
public record CrawlSettings(URI apiUrl, int maxPages, int concurrency, int queuePages, int batchPages, int writers,
                            Duration requestTimeout, int maxAttempts, Duration backoff, Duration secondaryWait,
                            Duration maxWait) {

    public static final String DEFAULT_API_URL = "https://api.github.com";

    public CrawlSettings {
        if (maxPages < 1 || concurrency < 1 || queuePages < 1 || batchPages < 1 || writers < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("max_pages, concurrency, queue and batch sizes, writers and attempts must be at least 1");
        }
        apiUrl = checkedApiUrl(apiUrl);
    }

    /** The defaults for {@code apiUrl}. */
    public static CrawlSettings defaults(URI apiUrl) {
        return new CrawlSettings(apiUrl, 10, 1, 32, 16, 1, Duration.ofSeconds(30), 6, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofMinutes(15));
    }

    public CrawlSettings withMaxPages(int n) {
        return new CrawlSettings(apiUrl, n, concurrency, queuePages, batchPages, writers, requestTimeout, maxAttempts, backoff, secondaryWait, maxWait);
    }

    public CrawlSettings withConcurrency(int n) {
        return new CrawlSettings(apiUrl, maxPages, n, queuePages, batchPages, writers, requestTimeout, maxAttempts, backoff, secondaryWait, maxWait);
    }

    public CrawlSettings withQueue(int pages, int batch) {
        return new CrawlSettings(apiUrl, maxPages, concurrency, pages, batch, writers, requestTimeout, maxAttempts, backoff, secondaryWait, maxWait);
    }

    public CrawlSettings withWriters(int n) {
        return new CrawlSettings(apiUrl, maxPages, concurrency, queuePages, batchPages, n, requestTimeout, maxAttempts, backoff, secondaryWait, maxWait);
    }

    public CrawlSettings withRequestTimeout(Duration d) {
        return new CrawlSettings(apiUrl, maxPages, concurrency, queuePages, batchPages, writers, d, maxAttempts, backoff, secondaryWait, maxWait);
    }

    public CrawlSettings withMaxWait(Duration d) {
        return new CrawlSettings(apiUrl, maxPages, concurrency, queuePages, batchPages, writers, requestTimeout, maxAttempts, backoff, secondaryWait, d);
    }

    /**
     * The URL without a trailing slash, refusing anything but {@code https}, and {@code http} to a
     * loopback address (tests and local fakes): a token is never sent in clear over a network.
     */
    static URI checkedApiUrl(URI url) {
        if (url == null || url.getHost() == null) {
            throw new IllegalArgumentException("github_api_url '" + url + "' is not an absolute URL such as " + DEFAULT_API_URL);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") && !loopback(url.getHost())) {
            throw new IllegalArgumentException("github_api_url '" + url + "': plain http is allowed only for loopback addresses; use https");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("github_api_url '" + url + "' must be an https URL");
        }
        String s = url.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name: do not resolve it
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
