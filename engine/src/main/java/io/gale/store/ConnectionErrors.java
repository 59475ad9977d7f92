package io.gale.store;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Tells a lost or refused database connection (the server is down, restarting or unreachable)
 * from errors of the statement itself, so that long-running processes wait for the database
 * instead of failing.
 */
public final class ConnectionErrors {

    /** admin_shutdown, crash_shutdown, cannot_connect_now. */
    private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03");

    private ConnectionErrors() {
    }

    /**
     * Whether {@code e} or one of its causes says the connection to the database was refused or
     * lost: SQLState class 08, 57P01-57P03, a pool that timed out waiting for a connection, or a
     * socket error.
     */
    public static boolean isConnectionLoss(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof SocketException || t instanceof EOFException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || SHUTDOWN_STATES.contains(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** One line about why the connection failed: the message of the innermost cause, without SQL. */
    public static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.lines().findFirst().orElse("").strip();
    }
}
