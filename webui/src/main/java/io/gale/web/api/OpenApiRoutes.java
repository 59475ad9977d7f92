package io.gale.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.web.Backend;
import io.gale.web.Routes;
import io.gale.web.WebServer;
import io.gale.web.auth.Permission;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Gale's OpenAPI document ({@code /openapi.json}: the part of Airflow 3's document that Gale
 * implements, plus {@code /auth/token}) and a page that lists it ({@code /docs}), with no
 * scripts from elsewhere.
 */
public final class OpenApiRoutes implements Routes {

    /** The document, from {@code io/gale/web/openapi.json} on the classpath. */
    public static JsonNode document() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("/io/gale/web/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("io/gale/web/openapi.json is missing from the classpath: rebuild the webui module");
            }
            return WebServer.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void addTo(Javalin app, Backend backend) {
        JsonNode doc = document();
        String json = doc.toString();
        String page = page(doc);
        app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(json), Permission.PUBLIC);
        app.get("/docs", ctx -> ctx.html(page), Permission.PUBLIC);
    }

    private static String page(JsonNode doc) {
        StringBuilder sb = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gale REST API</title>"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:70em}td,th{padding:.3em .6em;text-align:left;vertical-align:top}"
                + "tr:nth-child(even){background:#f4f4f4}code{font-size:.95em}.m{font-weight:bold}</style></head><body>");
        sb.append("<h1>").append(escape(doc.path("info").path("title").asText())).append("</h1>");
        sb.append("<p>").append(escape(doc.path("info").path("description").asText())).append("</p>");
        sb.append("<p><a href=\"/openapi.json\">openapi.json</a></p><table><thead><tr><th>method</th><th>path</th><th>what it does</th></tr></thead><tbody>");
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            var p = paths.next();
            Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields();
            while (ops.hasNext()) {
                var op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                sb.append("<tr><td class=\"m\">").append(escape(op.getKey().toUpperCase(java.util.Locale.ROOT)))
                        .append("</td><td><code>").append(escape(p.getKey())).append("</code></td><td>")
                        .append(escape(op.getValue().path("summary").asText())).append("</td></tr>");
            }
        }
        return sb.append("</tbody></table></body></html>").toString();
    }

    /** Text for HTML: {@code & < > " '} escaped. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
