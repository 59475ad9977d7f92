/**
 * Gale's web server ({@code gale webserver}, and inside {@code gale standalone}): a Javalin
 * application over the operations API. {@link io.gale.web.WebServer#routes} lists every group of
 * routes in one place; a group implements {@link io.gale.web.Routes} and registers each route with
 * the {@link io.gale.web.auth.Permission} it needs. Pages read the signed-in user with
 * {@link io.gale.web.auth.Auth#principal}, put {@link io.gale.web.auth.Csrf#token} into every form
 * as {@code _csrf} (checked for them before any state-changing handler runs), and sign in through
 * {@code POST /auth/login}. Errors are answered as Airflow does, {@code {"detail": ...}}.
 */
package io.gale.web;
