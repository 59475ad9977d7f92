package io.gale.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections to the embedded server for the pool: each asks the server for its current URL, and
 * a refused connection first restarts a server that is down, so that every Gale process whose
 * pool finds the server gone brings it back.
 */
final class EmbeddedDataSource implements DataSource {

    private final EmbeddedServer server;
    private volatile int loginTimeoutSeconds = 10;

    EmbeddedDataSource(EmbeddedServer server) {
        this.server = server;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return connect();
        } catch (SQLException e) {
            if (!ConnectionErrors.isConnectionLoss(e) || !server.reviveIfDown()) {
                throw e;
            }
            return connect();
        }
    }

    private Connection connect() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", EmbeddedServer.USER);
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", Integer.toString(loginTimeoutSeconds));
        return DriverManager.getConnection(server.jdbcUrl(EmbeddedServer.DATABASE), p);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no JDBC log writer: Gale logs through slf4j
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
