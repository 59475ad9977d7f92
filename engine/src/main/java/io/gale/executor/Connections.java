package io.gale.executor;

import io.gale.api.Connection;
import io.gale.store.Store;
import java.util.Map;
import java.util.Optional;

/** Connections as tasks see them: {@code GALE_CONN_<ID>} in the environment first, then the database. */
public final class Connections {
    private Connections() {
    }

    /** The connection {@code connId}, if the environment or the database has it. */
    public static Optional<Connection> lookup(String connId, Map<String, String> env, Store store) {
        return fromEnv(connId, env).or(() -> store.connections().get(connId));
    }

    /** The connection {@code connId} from {@code GALE_CONN_<ID>}, if the environment sets it. */
    public static Optional<Connection> fromEnv(String connId, Map<String, String> env) {
        String uri = env.get("GALE_CONN_" + RunningTaskContext.envName(connId));
        return uri == null ? Optional.empty() : Optional.of(RunningTaskContext.parseConnection(connId, uri));
    }
}
