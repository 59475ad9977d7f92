package io.gale.web;

import io.javalin.Javalin;

/**
 * A group of routes (the REST API, the login endpoints, the pages...). Every route is
 * registered with the {@link io.gale.web.auth.Permission} it needs; one without is for admins
 * only. {@link WebServer#routes} lists the groups in one place.
 */
public interface Routes {

    void addTo(Javalin app, Backend backend);
}
