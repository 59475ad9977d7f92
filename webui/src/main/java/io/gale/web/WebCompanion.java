package io.gale.web;

import io.gale.core.Role;
import io.gale.runtime.Companion;
import io.gale.runtime.Engine;
import io.gale.web.auth.Users;
import java.io.PrintWriter;

/**
 * The web server as {@code gale standalone} starts it: on first start it creates the user
 * {@code admin} with {@code GALE_ADMIN_PASSWORD} or a random password, printed once.
 */
public final class WebCompanion implements Companion {

    /** The user standalone creates. */
    public static final String ADMIN = "admin";

    @Override
    public String name() {
        return "webserver";
    }

    @Override
    public AutoCloseable start(Engine engine, Integer port, PrintWriter out, PrintWriter err) {
        WebServer server = WebserverCommand.start(engine, port, null, System.getenv());
        Users users = server.backend().auth().users();
        String given = System.getenv("GALE_ADMIN_PASSWORD");
        String password = given != null && !given.isBlank() ? given : Users.randomPassword();
        out.println("  Web UI:   " + WebserverCommand.url(server) + " (REST API under /api/v2, its document at /docs)");
        if (users.createIfAbsent(ADMIN, password, Role.ADMIN)) {
            out.println("  Created user 'admin' with password " + (given != null && !given.isBlank() ? "from GALE_ADMIN_PASSWORD"
                    : password + " (shown once: 'gale users reset-password -u admin' sets another)"));
        } else {
            out.println("  Log in as 'admin' (its password was printed on the first start; 'gale users reset-password -u admin' sets another).");
        }
        return server;
    }
}
