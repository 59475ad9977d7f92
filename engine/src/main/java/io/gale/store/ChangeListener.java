package io.gale.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * Listens for {@link Store#notifyChange()} (PostgreSQL LISTEN/NOTIFY) on a connection of its
 * own and calls {@code onChange}, so a scheduler reacts at once to a trigger or unpause made by
 * another process. Reconnects after a lost connection.
 */
public final class ChangeListener implements AutoCloseable {

    static final String CHANNEL = "gale_changes";

    private final Thread thread;
    private volatile boolean stopped;

    public ChangeListener(Database db, Runnable onChange) {
        thread = new Thread(() -> {
            while (!stopped) {
                try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.execute("listen " + CHANNEL);
                    PGConnection pg = c.unwrap(PGConnection.class);
                    while (!stopped) {
                        var notes = pg.getNotifications(500);
                        if (notes != null && notes.length > 0) {
                            onChange.run();
                        }
                    }
                } catch (SQLException e) {
                    if (!stopped) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }
        }, "gale-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
