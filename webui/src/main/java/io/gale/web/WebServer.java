package io.gale.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.gale.client.Operations;
import io.gale.core.BadRequestException;
import io.gale.core.ConflictException;
import io.gale.core.NotFoundException;
import io.gale.store.StoreException;
import io.gale.web.api.ApiRoutes;
import io.gale.web.api.OpenApiRoutes;
import io.gale.web.auth.Auth;
import io.gale.web.auth.AuthRoutes;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.session.SessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gale's web server: Airflow 3's REST API under {@code /api/v2}, {@code /auth/token}, Gale's
 * OpenAPI document, and (added by {@link #routes}) the pages. Errors are always answered in
 * Airflow's shape, {@code {"detail": ...}}, never with a stack trace.
 */
public final class WebServer implements AutoCloseable {

    /** The port when neither {@code --port} nor {@code GALE_WEBSERVER_PORT} gives one. */
    public static final int DEFAULT_PORT = 8080;
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    /** JSON as the API writes it: snake_case names, ISO-8601 dates. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Javalin app;
    private final Backend backend;

    private WebServer(Javalin app, Backend backend) {
        this.app = app;
        this.backend = backend;
    }

    /** Every group of routes the server serves: add the pages' group here. */
    static List<Routes> routes() {
        return List.of(new AuthRoutes(), new ApiRoutes(), new OpenApiRoutes(), new io.gale.web.ui.UiRoutes());
    }

    /** Starts a server on {@code host:port} (port 0 picks a free one), without {@code /metrics}. */
    public static WebServer start(Operations operations, String host, int port, Clock clock) {
        return start(operations, host, port, clock, null, false);
    }

    /**
     * Starts a server on {@code host:port} (port 0 picks a free one) that also serves
     * {@code metrics} at {@code GET /metrics} in Prometheus' text format: to anyone, or with
     * {@code metricsNeedLogin} to users who may read (a bearer token or a session).
     */
    public static WebServer start(Operations operations, String host, int port, Clock clock,
                                  io.gale.metrics.Metrics metrics, boolean metricsNeedLogin) {
        Backend backend = new Backend(operations, new Auth(operations.store(), clock), clock);
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(JSON, false));
            config.http.maxRequestSize = 1_000_000L;
            config.jetty.modifyServletContextHandler(handler -> handler.setSessionHandler(sessions()));
        });
        app.beforeMatched(backend.auth()::guard);
        for (Routes r : routes()) {
            r.addTo(app, backend);
        }
        if (metrics != null) {
            app.get("/metrics", ctx -> ctx.contentType(io.gale.metrics.MetricsServer.CONTENT_TYPE).result(metrics.scrape()),
                    metricsNeedLogin ? io.gale.web.auth.Permission.READ : io.gale.web.auth.Permission.PUBLIC);
        }
        errors(app);
        app.start(host, port);
        return new WebServer(app, backend);
    }

    private static SessionHandler sessions() {
        SessionHandler sessions = new SessionHandler();
        sessions.setHttpOnly(true);
        sessions.setSameSite(org.eclipse.jetty.http.HttpCookie.SameSite.LAX);
        sessions.setSessionCookie("gale_session");
        sessions.setMaxInactiveInterval(12 * 3600);
        sessions.getSessionCookieConfig().setSecure(Boolean.parseBoolean(System.getenv().getOrDefault("GALE_WEBSERVER_SECURE_COOKIES", "false")));
        return sessions;
    }

    private static void errors(Javalin app) {
        app.exception(Problem.class, (e, ctx) -> ctx.status(422).json(e.body()));
        app.exception(NotFoundException.class, (e, ctx) -> detail(ctx, 404, e.getMessage()));
        app.exception(BadRequestException.class, (e, ctx) -> detail(ctx, 400, e.getMessage()));
        app.exception(ConflictException.class, (e, ctx) -> detail(ctx, 409, e.getMessage()));
        app.exception(io.gale.api.ModelNotFoundException.class, (e, ctx) -> detail(ctx, 404, e.getMessage()));
        app.exception(io.gale.api.ModelRegistryException.class, (e, ctx) -> detail(ctx, 409, e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            e.getDetails().forEach(ctx::header);
            if (e.getStatus() == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            detail(ctx, e.getStatus(), e.getMessage());
        });
        app.exception(StoreException.class, (e, ctx) -> {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            detail(ctx, 503, "The metadata database is unavailable: try again shortly");
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            detail(ctx, 500, "Internal Server Error");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().startsWith("Endpoint ")) {
                detail(ctx, 404, "Not Found");
            }
        });
        app.error(405, ctx -> detail(ctx, 405, "Method Not Allowed"));
    }

    private static void detail(Context ctx, int status, String message) {
        ctx.status(HttpStatus.forStatus(status)).json(Map.of("detail", message == null ? "" : message));
    }

    public int port() {
        return app.port();
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        app.stop();
    }
}
