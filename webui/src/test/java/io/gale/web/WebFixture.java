package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestServer} for a test class, started before its first test and closed after the
 * last ({@code @RegisterExtension static final WebFixture web = new WebFixture();}), with the
 * helpers of a browser-like client: sign in through the login form, GET a page, POST a form,
 * read a page's CSRF token.
 */
final class WebFixture implements BeforeAllCallback, AfterAllCallback {

    private final boolean scheduler;
    private Path home;
    private TestServer server;

    /** A server without a scheduler: runs stay as the tests make them. */
    WebFixture() {
        this(false);
    }

    private WebFixture(boolean scheduler) {
        this.scheduler = scheduler;
    }

    /** A server with a scheduler running in the test process. */
    static WebFixture withScheduler() {
        return new WebFixture(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("gale-web-test");
        server = new TestServer(home);
        if (scheduler) {
            server.withScheduler();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The server's {@code GALE_HOME}. */
    Path home() {
        server();
        return home;
    }

    /** The running server. */
    TestServer server() {
        if (server == null) {
            throw new IllegalStateException("the web fixture starts before the class's first test: register it as a static extension");
        }
        return server;
    }

    /** A browser-like client with its own cookie jar, signed in as {@code user} (password {@code <user>-password}). */
    HttpClient signedIn(String user) throws Exception {
        HttpClient c = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> r = c.send(form("/auth/login", "username=" + user + "&password=" + user + "-password&next=/dags"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("sign-in of " + user).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/dags");
        return c;
    }

    /** A form POST to {@code path} with an urlencoded body. */
    HttpRequest form(String path, String body) {
        return HttpRequest.newBuilder(URI.create(server().url() + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build();
    }

    /** GET {@code path} with a client. */
    HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(server().url() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST a form with a client. */
    HttpResponse<String> post(HttpClient c, String path, String body) throws Exception {
        return c.send(form(path, body), HttpResponse.BodyHandlers.ofString());
    }

    /** The CSRF token of a page's first form. */
    static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }
}
