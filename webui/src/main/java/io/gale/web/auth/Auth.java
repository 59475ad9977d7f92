package io.gale.web.auth;

import io.gale.core.Text;
import io.gale.store.Store;
import io.gale.store.UserRepository.User;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and roles for every route: a bearer token ({@code Authorization: Bearer <JWT>},
 * from {@code POST /auth/token}) or the session cookie of a signed-in browser. Routes name the
 * {@link Permission} they need when registered; requests authenticated by the cookie must also
 * carry the session's CSRF token when they change anything.
 */
public final class Auth {

    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    private static final String PRINCIPAL = "gale.principal";
    private static final String SESSION_USER = "gale.user";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Users users;
    private final Tokens tokens;
    private final LoginLimiter limiter;

    public Auth(Store store, Clock clock) {
        this.users = new Users(store, clock);
        this.tokens = new Tokens(store, clock);
        this.limiter = new LoginLimiter(clock);
    }

    public Users users() {
        return users;
    }

    public Tokens tokens() {
        return tokens;
    }

    /**
     * Checks a user name and password from {@code address}: the user, or 401 for a wrong pair
     * (logged without the password), or 429 while too many logins failed recently.
     */
    public User login(String username, String password, String address) {
        String name = username == null ? "" : username;
        Optional<Duration> wait = limiter.blockedFor(name, address);
        if (wait.isPresent()) {
            LOG.warn("login refused for user '{}' from {}: too many failed attempts", Text.abbreviate(name, 64), address);
            long seconds = Math.max(1, wait.get().toSeconds());
            throw new HttpResponseException(HttpStatus.TOO_MANY_REQUESTS.getCode(),
                    "Too many failed logins: try again in " + seconds + " s", Map.of("Retry-After", Long.toString(seconds)));
        }
        Optional<User> user = users.authenticate(name, password);
        if (user.isEmpty()) {
            limiter.failed(name, address);
            LOG.warn("failed login for user '{}' from {}", Text.abbreviate(name, 64), address);
            throw new UnauthorizedResponse("Invalid username or password");
        }
        limiter.succeeded(name, address);
        return user.get();
    }

    /** Signs the browser in: a new session (its id changes at login) that names the user. */
    public void startSession(Context ctx, User user) {
        var old = ctx.req().getSession(false);
        if (old != null) {
            old.invalidate();
        }
        ctx.req().getSession(true);
        ctx.sessionAttribute(SESSION_USER, user.username());
    }

    /** Signs the browser out. */
    public void endSession(Context ctx) {
        var session = ctx.req().getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }

    /** Who made this request, once {@link #guard} let it through (empty on public routes without credentials). */
    public static Optional<Principal> principal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    /**
     * Runs before every matched route: lets public routes through, otherwise requires a valid
     * bearer token or session (401), a role with the route's permission (403), and on a
     * state-changing request authenticated by the cookie, the CSRF token (403).
     */
    public void guard(Context ctx) {
        Permission needed = needed(ctx.routeRoles());
        if (needed == Permission.PUBLIC) { // a stale token does not keep anyone from public routes
            try {
                identify(ctx).ifPresent(p -> ctx.attribute(PRINCIPAL, p));
            } catch (UnauthorizedResponse ignored) {
                // anonymous
            }
            return;
        }
        Optional<Principal> who = identify(ctx);
        who.ifPresent(p -> ctx.attribute(PRINCIPAL, p));
        if (who.isEmpty()) {
            throw new UnauthorizedResponse("Not authenticated");
        }
        if (!needed.allows(who.get().role())) {
            throw new ForbiddenResponse("Forbidden: user '" + who.get().username() + "' has role " + who.get().role().id()
                    + ", this needs " + needed.least().id());
        }
        if (bearer(ctx) == null && !SAFE_METHODS.contains(ctx.method().name())) {
            Csrf.check(ctx);
        }
    }

    private Optional<Principal> identify(Context ctx) {
        String bearer = bearer(ctx);
        String username;
        if (bearer != null) {
            username = tokens.verify(bearer).orElse(null);
            if (username == null) {
                throw new UnauthorizedResponse("Invalid or expired token");
            }
        } else {
            username = ctx.req().getSession(false) == null ? null : ctx.sessionAttribute(SESSION_USER);
        }
        if (username == null) {
            return Optional.empty();
        }
        Optional<User> user = users.find(username);
        if (user.isEmpty() && bearer != null) {
            throw new UnauthorizedResponse("Invalid or expired token");
        }
        return user.map(u -> new Principal(u.username(), u.role()));
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    private static Permission needed(Set<RouteRole> roles) {
        Permission needed = Permission.PUBLIC;
        for (RouteRole r : roles) {
            if (r instanceof Permission p && p.compareTo(needed) > 0) {
                needed = p;
            }
        }
        return roles.isEmpty() ? Permission.ADMINISTER : needed;
    }
}
