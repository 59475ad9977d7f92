package io.gale.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for {@link Store#notifyChange()} (PostgreSQL LISTEN/NOTIFY) on a connection of its
 * own and calls {@code onChange}, so a scheduler reacts at once to a trigger or unpause made by
 * another process. After a lost connection it reconnects with backoff (1 s doubling to 10 s),
 * logs the loss and the return once each, and calls {@code onChange} when back, since
 * notifications sent meanwhile are lost. A callback that throws is logged; listening goes on.
 */
public final class ChangeListener implements AutoCloseable {

    static final String CHANNEL = "gale_changes";
    /**
     * The channel told (in the enqueueing transaction, with the queue's name) when edge jobs are
     * queued for remote workers: the web server's waiting claims listen to it.
     */
    public static final String EDGE_JOBS = "gale_edge_jobs";
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

    private final Database db;
    private final String channel;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean stopped;

    public ChangeListener(Database db, Runnable onChange) {
        this(db, CHANNEL, onChange);
    }

    /** Listens on {@code channel} (e.g. {@link #EDGE_JOBS}) instead of Gale's change channel. */
    public ChangeListener(Database db, String channel, Runnable onChange) {
        this.db = db;
        this.channel = channel;
        this.onChange = onChange;
        thread = new Thread(this::listen, CHANNEL.equals(channel) ? "gale-change-listener" : "gale-listener-" + channel);
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        Duration backoff = Duration.ofSeconds(1);
        boolean lost = false;
        while (!stopped) {
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("listen " + channel);
                if (lost) {
                    LOG.warn("Change notifications are back");
                    lost = false;
                    backoff = Duration.ofSeconds(1);
                    call(); // whatever changed while we were away
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!stopped) {
                    var notes = pg.getNotifications(500);
                    if (notes != null && notes.length > 0) {
                        call();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                if (!lost) {
                    LOG.warn("Change notifications lost ({}); reconnecting with backoff", ConnectionErrors.reason(e));
                    lost = true;
                }
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void call() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.warn("The change callback failed; still listening", e);
        }
    }

    /** Whether the listening thread is alive (it ends only when closed). */
    boolean listening() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
