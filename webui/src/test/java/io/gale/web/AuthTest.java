package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gale.testing.MutableClock;
import io.gale.web.auth.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens, roles, sessions with CSRF, and the login rate limit, over real sockets. */
class AuthTest {

    @RegisterExtension
    static final WebFixture web = new WebFixture();

    private static void assertStatus(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(TestServer.json(r).has("detail")).as(r.body()).isTrue();
    }

    @Test
    void everyApiCallNeedsAValidToken() throws Exception {
        HttpResponse<String> none = web.server().get("/api/v2/dags", null);
        assertStatus(none, 401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(web.server().get("/api/v2/monitor/health", null).statusCode()).isEqualTo(200);
        assertThat(web.server().get("/api/v2/version", null).statusCode()).isEqualTo(200);

        String good = web.server().token("viewer");
        assertThat(web.server().get("/api/v2/dags", good).statusCode()).isEqualTo(200);

        String[] parts = good.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"viewer\"", "\"admin\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertStatus(web.server().get("/api/v2/dags", tampered), 401);

        String kid = SignedJWT.parse(good).getHeader().getKeyID();
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                new JWTClaimsSet.Builder().subject("admin").issuer("gale").expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        foreign.sign(new MACSigner(new byte[32]));
        assertStatus(web.server().get("/api/v2/dags", foreign.serialize()), 401);

        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"admin\",\"iss\":\"gale\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8)) + ".";
        assertStatus(web.server().get("/api/v2/dags", unsigned), 401);
        assertStatus(web.server().get("/api/v2/dags", "not-a-token"), 401);
        assertThat(web.server().get("/api/v2/monitor/health", "not-a-token").statusCode()).as("public routes ignore a bad token").isEqualTo(200);

        MutableClock past = new MutableClock(Instant.now().minus(Tokens.LIFETIME).minusSeconds(60));
        String expired = new Tokens(web.server().engine.store(), past).issue(web.server().server.backend().auth().users().find("admin").orElseThrow());
        assertStatus(web.server().get("/api/v2/dags", expired), 401);
    }

    @Test
    void aViewerReadsButCannotChangeAnything() {
        String viewer = web.server().token("viewer");
        assertThat(web.server().get("/api/v2/dags/web_test", viewer).statusCode()).isEqualTo(200);
        assertStatus(web.server().send("PATCH", "/api/v2/dags/web_test", viewer, "{\"is_paused\": false}"), 403);
        assertStatus(web.server().send("POST", "/api/v2/dags/web_test/dagRuns", viewer, "{}"), 403);
        assertStatus(web.server().send("POST", "/api/v2/dags/web_test/clearTaskInstances", viewer, "{\"dry_run\": false}"), 403);
        assertStatus(web.server().send("POST", "/api/v2/variables", viewer, "{\"key\": \"a\", \"value\": \"b\"}"), 403);
        assertStatus(web.server().get("/api/v2/connections", viewer), 403);
        assertThat(TestServer.json(web.server().get("/api/v2/dags/web_test", viewer)).get("is_paused").asBoolean()).isTrue();
        assertThat(web.server().engine.operations().runs("web_test")).isEmpty();
        String op = web.server().token("op");
        assertThat(web.server().send("PATCH", "/api/v2/dags/example_pipeline", op, "{\"is_paused\": true}").statusCode()).isEqualTo(200);
    }

    @Test
    void aDeletedUsersTokenStopsWorkingAndRotationKeepsOrRevokesTokens() {
        web.server().server.backend().auth().users().create("temp", "temp-password", io.gale.core.Role.VIEWER);
        String temp = web.server().token("temp");
        assertThat(web.server().get("/api/v2/dags", temp).statusCode()).isEqualTo(200);
        web.server().server.backend().auth().users().delete("temp");
        assertStatus(web.server().get("/api/v2/dags", temp), 401);

        String before = web.server().token("viewer");
        Tokens other = new Tokens(web.server().engine.store(), java.time.Clock.systemUTC()); // as `gale users rotate-key` in another process
        other.rotate();
        assertThat(web.server().get("/api/v2/dags", before).statusCode()).isEqualTo(200);
        String after = web.server().token("viewer");
        assertThat(web.server().get("/api/v2/dags", after).statusCode()).isEqualTo(200);
        MutableClock clock = new MutableClock(Instant.now());
        Tokens cached = new Tokens(web.server().engine.store(), clock); // a web server that read the keys before the revocation
        assertThat(cached.verify(before)).hasValue("viewer");
        other.revokeAll();
        assertThat(cached.verify(before)).as("keys are trusted for a while").hasValue("viewer");
        clock.set(clock.instant().plusSeconds(31));
        assertThat(cached.verify(before)).as("a revocation elsewhere applies within 30 s").isEmpty();
        assertThat(cached.verify(after)).isEmpty();
    }

    @Test
    void aSessionNeedsTheCsrfTokenToChangeState() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=op&password=op-password&next=%2Fdags")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/dags");
        assertThat(login.headers().firstValue("Set-Cookie").orElse("")).contains("gale_session=", "HttpOnly", "SameSite=Lax");

        HttpResponse<String> session = browser.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/auth/session")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String csrf = TestServer.json(session).get("csrf_token").asText();

        HttpRequest.Builder patch = HttpRequest.newBuilder(URI.create(web.server().url() + "/api/v2/dags/example_trigger_rules"))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"is_paused\": false}"));
        HttpResponse<String> withoutToken = browser.send(patch.build(), HttpResponse.BodyHandlers.ofString());
        assertStatus(withoutToken, 403);
        assertThat(withoutToken.body()).contains("CSRF");
        assertThat(web.server().engine.operations().dagRow("example_trigger_rules").paused()).isTrue();
        HttpResponse<String> wrongToken = browser.send(patch.copy().header("X-CSRF-Token", csrf + "x").build(), HttpResponse.BodyHandlers.ofString());
        assertStatus(wrongToken, 403);
        HttpResponse<String> withToken = browser.send(patch.copy().header("X-CSRF-Token", csrf).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
        assertThat(web.server().engine.operations().dagRow("example_trigger_rules").paused()).isFalse();

        HttpResponse<String> logoutWithout = browser.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/auth/logout"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertStatus(logoutWithout, 403);
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/auth/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(browser.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/auth/session")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void loginsAreRateLimitedAndFailuresLoggedWithoutThePassword() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> wrong = web.server().send("POST", "/auth/token", null, "{\"username\": \"admin\", \"password\": \"guess-" + i + "-Zq\"}");
                assertStatus(wrong, 401);
            }
            HttpResponse<String> blocked = web.server().send("POST", "/auth/token", null, "{\"username\": \"admin\", \"password\": \"admin-password\"}");
            assertStatus(blocked, 429);
            assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
            // another user from the same address is not blocked by admin's failures
            assertThat(web.server().send("POST", "/auth/token", null, "{\"username\": \"op\", \"password\": \"op-password\"}").statusCode()).isEqualTo(201);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("failed login for user 'admin' from");
        assertThat(log).doesNotContain("guess-0-Zq", "admin-password");
    }
}
