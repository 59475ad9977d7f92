package io.gale.web.auth;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF protection for requests authenticated by the session cookie: a random token per session,
 * put into every form as the hidden field {@value #FIELD} (or sent by scripts as the header
 * {@value #HEADER}) and checked on every state-changing request. Requests with a bearer token
 * carry no cookie and need none.
 */
public final class Csrf {

    /** The form field pages put the token in. */
    public static final String FIELD = "_csrf";
    /** The header scripts send it in. */
    public static final String HEADER = "X-CSRF-Token";
    private static final String ATTRIBUTE = "gale.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    /** This session's token (made on first use): put it in forms as {@value #FIELD}. */
    public static String token(Context ctx) {
        String token = ctx.sessionAttribute(ATTRIBUTE);
        if (token == null) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            ctx.sessionAttribute(ATTRIBUTE, token);
        }
        return token;
    }

    /** Throws 403 unless the request carries this session's token (form field or header). */
    public static void check(Context ctx) {
        String expected = ctx.req().getSession(false) == null ? null : ctx.sessionAttribute(ATTRIBUTE);
        String given = ctx.header(HEADER);
        if (given == null && isForm(ctx)) {
            given = ctx.formParam(FIELD);
        }
        if (expected == null || given == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw new ForbiddenResponse("CSRF token missing or wrong: reload the page and submit the form again");
        }
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"));
    }
}
