package io.gale.web.api;

import io.gale.api.Connection;
import io.gale.client.Operations;
import io.gale.core.Secrets;
import io.gale.web.Problem;
import io.gale.web.WebServer;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * {@code /variables} and {@code /connections}. Values of variables whose key names a secret are
 * shown as {@code ***}; connection passwords are never returned, and secret-named fields of a
 * connection's extra are masked.
 */
final class SettingsApi {

    private final Operations ops;

    SettingsApi(Operations ops) {
        this.ops = ops;
    }

    private static Shapes.Variable variable(String key, String value) {
        return new Shapes.Variable(key, Operations.isSensitiveName(key) ? Secrets.MASK : value, null, false);
    }

    void variables(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        String pattern = ctx.queryParam("variable_key_pattern");
        List<Shapes.Variable> all = ops.variables().entrySet().stream()
                .filter(e -> pattern == null || DagsApi.like(e.getKey(), pattern))
                .map(e -> variable(e.getKey(), e.getValue())).toList();
        ctx.json(new Shapes.VariableCollection(page.of(all), all.size()));
    }

    void variable(Context ctx) {
        String key = ctx.pathParam("variable_key");
        ctx.json(variable(key, ops.variable(key)));
    }

    void createVariable(Context ctx) {
        Requests.Body body = Requests.body(ctx, false);
        String key = body.string("key", true);
        String value = textValue(body);
        if (ops.store().variables().get(key).isPresent()) {
            throw new io.gale.core.ConflictException("The Variable with key: `" + key + "` already exists");
        }
        ops.setVariable(key, value);
        ctx.status(201).json(variable(key, value));
    }

    void updateVariable(Context ctx) {
        String key = ctx.pathParam("variable_key");
        ops.variable(key);
        Requests.Body body = Requests.body(ctx, false);
        String value = textValue(body);
        ops.setVariable(key, value);
        ctx.json(variable(key, value));
    }

    void deleteVariable(Context ctx) {
        ops.deleteVariable(ctx.pathParam("variable_key"));
        ctx.status(204);
    }

    /** A variable's value as Airflow stores it: a string as is, any other JSON value as its JSON text. */
    private static String textValue(Requests.Body body) {
        var v = body.node().get("value");
        if (v == null || v.isNull()) {
            throw Problem.of("missing", List.of("body", "value"), "Field required", body.node());
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    private static Shapes.Connection connection(Connection c) {
        String extra = null;
        if (!c.extra().isEmpty()) {
            Map<String, String> masked = new java.util.LinkedHashMap<>();
            c.extra().forEach((k, v) -> masked.put(k, Operations.isSensitiveName(k) ? Secrets.MASK : v));
            try {
                extra = WebServer.JSON.writeValueAsString(masked);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                extra = null;
            }
        }
        return new Shapes.Connection(c.id(), c.type(), null, c.host(), c.login(), c.schema(), c.port(), null, extra);
    }

    void connections(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        List<Shapes.Connection> all = ops.connections().stream().map(SettingsApi::connection).toList();
        ctx.json(new Shapes.ConnectionCollection(page.of(all), all.size()));
    }

    void connection(Context ctx) {
        ctx.json(connection(ops.connection(ctx.pathParam("connection_id"))));
    }

    void createConnection(Context ctx) {
        Connection c = connectionBody(Requests.body(ctx, false), null);
        if (ops.store().connections().get(c.id()).isPresent()) {
            throw new io.gale.core.ConflictException("The connection with connection_id: `" + c.id() + "` already exists");
        }
        ops.putConnection(c);
        ctx.status(201).json(connection(c));
    }

    void updateConnection(Context ctx) {
        String id = ctx.pathParam("connection_id");
        Connection old = ops.connection(id);
        Connection c = connectionBody(Requests.body(ctx, false), old);
        if (!c.id().equals(id)) {
            throw new io.gale.core.BadRequestException("The connection_id in the body does not match the path");
        }
        ops.putConnection(c);
        ctx.json(connection(c));
    }

    void deleteConnection(Context ctx) {
        ops.deleteConnection(ctx.pathParam("connection_id"));
        ctx.status(204);
    }

    /** A connection from a body; a password left out keeps {@code old}'s. */
    private static Connection connectionBody(Requests.Body body, Connection old) {
        String id = body.string("connection_id", true);
        if (!id.matches("[\\w.-]{1,200}")) {
            throw Problem.of("string_pattern_mismatch", List.of("body", "connection_id"), "String should match pattern '^[\\w.-]+$'", id);
        }
        String extraText = body.string("extra", false);
        Map<String, String> extra = Map.of();
        if (extraText != null && !extraText.isBlank()) {
            try {
                Map<String, Object> parsed = WebServer.JSON.readValue(extraText, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
                Map<String, String> m = new java.util.LinkedHashMap<>();
                parsed.forEach((k, v) -> m.put(k, v == null ? null : String.valueOf(v)));
                extra = m;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new io.gale.core.BadRequestException("extra must be a JSON object");
            }
        }
        String password = body.has("password") ? body.string("password", false) : old == null ? null : old.password();
        return new Connection(id, body.string("conn_type", true), body.string("host", false), body.integer("port", false),
                body.string("schema", false), body.string("login", false), password, extra);
    }
}
