package io.gale.operators.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.api.TaskLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET requests to the GitHub REST API with GitHub's rules: a credential from the
 * {@link CredentialPool} per request, waits for primary and secondary rate limits, retries with
 * back-off on 5xx, dropped connections, timeouts and non-JSON answers, redirects (a renamed or
 * moved repository) and {@code Link} headers followed only on the API's own origin. A token is
 * sent only in the {@code Authorization} header and never appears in a message.
 */
final class GithubClient {

    /** Stargazers with {@code starred_at}. */
    static final String STAR_JSON = "application/vnd.github.star+json";
    static final String GITHUB_JSON = "application/vnd.github+json";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_REDIRECTS = 5;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /**
     * An answer the caller handles: 2xx (JSON body), 304, 404, 422 or another client error.
     *
     * @param next the {@code rel="next"} link, checked to be on the API's origin, or null
     * @param uri where the answer came from, after redirects
     */
    record Response(int status, JsonNode body, String etag, URI next, URI uri) {
    }

    private final CrawlSettings settings;
    private final CredentialPool pool;
    private final Clock clock;
    private final Sleeper sleeper;
    private final TaskLog log;
    private final CrawlReport report;
    private final HttpClient http;

    GithubClient(CrawlSettings settings, CredentialPool pool, Clock clock, Sleeper sleeper, TaskLog log, CrawlReport report) {
        this.settings = settings;
        this.pool = pool;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
        this.report = report;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** {@code pathAndQuery} ({@code /repos/a/b}) on the API. */
    URI api(String pathAndQuery) {
        return URI.create(settings.apiUrl() + pathAndQuery);
    }

    /**
     * One GET, retried and waited for as GitHub's rules say.
     *
     * @param etag sent as {@code If-None-Match} when not null
     * @param resource the rate-limit resource the request spends ({@code core}, {@code search})
     * @throws InvalidCredentialException on a 401
     * @throws GithubException when the request kept failing, or a redirect or link leaves the API's origin
     */
    Response get(URI uri, String accept, String etag, String resource) throws InterruptedException {
        int attempts = 0;
        int redirects = 0;
        while (true) {
            checkOrigin(uri, "request");
            CredentialPool.Lease lease = pool.acquire(resource);
            Credential cred = lease.credential();
            HttpResponse<byte[]> r;
            try {
                r = http.send(request(uri, accept, etag, cred), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                pool.release(lease, null, null, null);
                report.requests.incrementAndGet();
                attempts = retry(uri, attempts, "connection error (" + e.getClass().getSimpleName() + ")");
                continue;
            }
            report.requests.incrementAndGet();
            HttpHeaders h = r.headers();
            Long remaining = longHeader(h, "x-ratelimit-remaining");
            Long resetEpoch = longHeader(h, "x-ratelimit-reset");
            Instant reset = resetEpoch == null ? null : Instant.ofEpochSecond(resetEpoch);
            String answeredResource = h.firstValue("x-ratelimit-resource").orElse(resource);
            pool.release(lease, answeredResource, remaining, reset);
            int status = r.statusCode();
            if (status == 401) {
                throw new InvalidCredentialException("GitHub answered 401 (bad credentials) for "
                        + (cred.token() == null ? "an unauthenticated request" : "the token of connection '" + cred.name() + "'")
                        + " to " + shown(uri) + ": check the connection's password (a GitHub token); not retrying");
            }
            if (status == 403 || status == 429) {
                if (remaining != null && remaining == 0 && reset != null) {
                    pool.exhausted(cred, answeredResource, reset.plusSeconds(1));
                    continue;
                }
                Optional<String> retryAfter = h.firstValue("retry-after");
                if (retryAfter.isPresent() || status == 429 || text(r.body()).toLowerCase(Locale.ROOT).contains("rate limit")) {
                    URI asked = uri;
                    pool.blockSecondary(cred, retryAfter.map(v -> retryAfter(v, asked)).orElse(null),
                            settings.secondaryWait(), settings.maxWait());
                    continue;
                }
            }
            if (status == 301 || status == 302 || status == 307 || status == 308) {
                Optional<String> location = h.firstValue("location");
                if (location.isEmpty() || ++redirects > MAX_REDIRECTS) {
                    throw new GithubException("GET " + shown(uri) + ": " + status + " without a usable Location (or more than "
                            + MAX_REDIRECTS + " redirects)");
                }
                URI to = uri.resolve(location.get());
                checkOrigin(to, "redirect of GET " + shown(uri));
                uri = to;
                continue;
            }
            if (status >= 500) {
                attempts = retry(uri, attempts, "HTTP " + status);
                continue;
            }
            pool.succeeded(cred);
            if (status == 304) {
                return new Response(status, null, etag, null, uri);
            }
            JsonNode body;
            try {
                body = r.body().length == 0 ? null : MAPPER.readTree(r.body());
            } catch (IOException e) {
                body = null;
                if (status / 100 == 2) {
                    attempts = retry(uri, attempts, "the response is not JSON ("
                            + h.firstValue("content-type").orElse("no content type") + ")");
                    continue;
                }
            }
            if (status / 100 == 2 && body == null) {
                attempts = retry(uri, attempts, "the response is empty");
                continue;
            }
            URI next = null;
            for (String link : h.allValues("link")) {
                Matcher m = NEXT.matcher(link);
                if (m.find()) {
                    next = uri.resolve(m.group(1));
                    checkOrigin(next, "Link rel=\"next\" of GET " + shown(uri));
                }
            }
            return new Response(status, body, h.firstValue("etag").orElse(null), next, uri);
        }
    }

    private HttpRequest request(URI uri, String accept, String etag, Credential cred) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET()
                .timeout(settings.requestTimeout())
                .header("Accept", accept)
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "gale-github-crawler");
        if (cred.token() != null) {
            b.header("Authorization", "Bearer " + cred.token());
        }
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return b.build();
    }

    /** Counts a failed try and waits before the next, or throws once the tries are used up. */
    private int retry(URI uri, int attempts, String reason) throws InterruptedException {
        int done = attempts + 1;
        if (done >= settings.maxAttempts()) {
            throw new GithubException("GET " + shown(uri) + ": " + reason + ", " + done + " tries");
        }
        Duration wait = settings.backoff().multipliedBy(1L << Math.min(16, attempts));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF;
        }
        report.retries.incrementAndGet();
        report.waited(CrawlReport.WaitReason.BACKOFF, wait);
        log.warn("GET {}: {}; try {} of {} in {} ms", shown(uri), reason, done + 1, settings.maxAttempts(), wait.toMillis());
        sleeper.sleepUntil(clock.instant().plus(wait));
        return done;
    }

    /** Refuses a URL on another scheme, host or port than the API's: a token must not follow it there. */
    private void checkOrigin(URI uri, String what) {
        URI api = settings.apiUrl();
        boolean same = api.getScheme().equalsIgnoreCase(uri.getScheme())
                && api.getHost().equalsIgnoreCase(uri.getHost() == null ? "" : uri.getHost())
                && port(api) == port(uri);
        if (!same) {
            throw new GithubException(what + " points to " + uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + ", not the API at " + api + "; refused");
        }
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** A {@code retry-after} value: seconds, or an HTTP date. */
    private Duration retryAfter(String value, URI uri) {
        String v = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                return Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e2) {
                log.warn("GET {}: retry-after '{}' is neither seconds nor a date; waiting the default", shown(uri),
                        v.length() > 40 ? v.substring(0, 40) : v);
                return null;
            }
        }
    }

    private static Long longHeader(HttpHeaders h, String name) {
        Optional<String> v = h.firstValue(name);
        try {
            return v.map(s -> Long.parseLong(s.strip())).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(byte[] body) {
        return new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8);
    }

    /** The path and query of a URL, for messages. */
    static String shown(URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
