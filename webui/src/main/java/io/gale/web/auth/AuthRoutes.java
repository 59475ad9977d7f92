package io.gale.web.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.store.UserRepository.User;
import io.gale.web.Backend;
import io.gale.web.Problem;
import io.gale.web.Routes;
import io.gale.web.WebServer;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Signing in: {@code POST /auth/token} (JSON {@code {"username", "password"}}, answered with
 * {@code {"access_token": JWT}} as Airflow 3's simple auth manager does), and for browsers
 * {@code POST /auth/login} (a form; starts a session and redirects to {@code next}),
 * {@code GET /auth/session} (who is signed in, and the session's CSRF token for scripts) and
 * {@code POST /auth/logout}.
 */
public final class AuthRoutes implements Routes {

    @Override
    public void addTo(Javalin app, Backend backend) {
        Auth auth = backend.auth();
        app.post("/auth/token", ctx -> {
            String[] credentials = credentials(ctx);
            User user = auth.login(credentials[0], credentials[1], ctx.ip());
            ctx.status(201).json(Map.of("access_token", auth.tokens().issue(user)));
        }, Permission.PUBLIC);
        app.post("/auth/login", ctx -> {
            String next = safeNext(ctx.formParam("next"));
            User user;
            try {
                user = auth.login(ctx.formParam("username"), ctx.formParam("password"), ctx.ip());
            } catch (io.javalin.http.UnauthorizedResponse e) {
                ctx.redirect("/login?error=1&next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8), io.javalin.http.HttpStatus.SEE_OTHER);
                return;
            }
            auth.startSession(ctx, user);
            ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
        }, Permission.PUBLIC);
        app.get("/auth/session", ctx -> {
            Principal who = Auth.principal(ctx).orElseThrow();
            ctx.json(Map.of("username", who.username(), "role", who.role().id(), "csrf_token", Csrf.token(ctx)));
        }, Permission.READ);
        app.post("/auth/logout", ctx -> {
            Csrf.check(ctx);
            auth.endSession(ctx);
            ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
        }, Permission.READ);
    }

    /** A local path to go to after login: anything else (another site, {@code //host}) becomes {@code /}. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\r")
                || next.contains("\n")) {
            return "/";
        }
        return next;
    }

    private static String[] credentials(Context ctx) {
        JsonNode body;
        try {
            body = WebServer.JSON.readTree(ctx.body());
        } catch (Exception e) {
            throw Problem.of("json_invalid", List.of("body"), "JSON decode error", Map.of());
        }
        if (body == null || !body.isObject()) {
            throw Problem.of("model_attributes_type", List.of("body"), "Input should be a valid dictionary or object", Map.of());
        }
        String[] out = new String[2];
        String[] names = {"username", "password"};
        for (int i = 0; i < 2; i++) {
            JsonNode v = body.get(names[i]);
            if (v == null || v.isNull()) {
                throw Problem.of("missing", List.of("body", names[i]), "Field required", Map.of());
            }
            if (!v.isTextual()) {
                throw Problem.of("string_type", List.of("body", names[i]), "Input should be a valid string", i == 0 ? v : "***");
            }
            out[i] = v.asText();
        }
        return out;
    }
}
