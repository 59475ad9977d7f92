package io.gale.api;

import java.util.Map;

/**
 * Connection details for an external system, looked up by id from the environment
 * ({@code GALE_CONN_<ID>} as a URI) and then from the database. {@link #toString()} never shows
 * the password.
 */
public record Connection(String id, String type, String host, Integer port, String schema,
                         String login, String password, Map<String, String> extra) {

    public Connection {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    @Override
    public String toString() {
        return "Connection[id=" + id + ", type=" + type + ", host=" + host + ", port=" + port
                + ", schema=" + schema + ", login=" + login + ", password="
                + (password == null ? "null" : "***") + "]";
    }
}
