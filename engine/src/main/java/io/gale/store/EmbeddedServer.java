package io.gale.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL server whose data lives in {@code $GALE_HOME/postgres}. The first Gale
 * process starts it; later processes attach to the running server. The last process to leave
 * (no other client connected) stops it. Start, attach and stop are serialised by a file lock.
 */
final class EmbeddedServer {

    static final String USER = "postgres";
    static final String DATABASE = "gale";

    private final Path dataDir;
    private final Path lockFile;
    private final int port;
    private final long postmasterPid;
    private EmbeddedPostgres owned;

    private EmbeddedServer(Path dataDir, Path lockFile, int port, long postmasterPid, EmbeddedPostgres owned) {
        this.dataDir = dataDir;
        this.lockFile = lockFile;
        this.port = port;
        this.postmasterPid = postmasterPid;
        this.owned = owned;
    }

    /**
     * Starts the server or attaches to the one running on {@code dataDir}; {@code connect} runs
     * under the lock so that no other process stops the server before this one is connected.
     */
    static <T> Started<T> startOrAttach(Path home, ConnectFn<T> connect) {
        Path dataDir = home.resolve("postgres");
        Path lockFile = home.resolve("postgres.lock");
        try {
            Files.createDirectories(home);
            return locked(lockFile, () -> {
                Optional<int[]> running = runningServer(dataDir);
                EmbeddedServer server;
                if (running.isPresent()) {
                    server = new EmbeddedServer(dataDir, lockFile, running.get()[1], running.get()[0], null);
                } else {
                    EmbeddedPostgres pg = EmbeddedPostgres.builder()
                            .setDataDirectory(dataDir)
                            .setCleanDataDirectory(false)
                            .setRegisterShutdownHook(false)
                            .setServerConfig("synchronous_commit", "on")
                            .setServerConfig("fsync", "on")
                            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                            .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    int[] pidPort = runningServer(dataDir).orElse(new int[] {-1, pg.getPort()});
                    server = new EmbeddedServer(dataDir, lockFile, pg.getPort(), pidPort[0], pg);
                    server.ensureDatabase();
                }
                return new Started<>(server, connect.connect(server.jdbcUrl(DATABASE), USER));
            });
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage()
                    + " (is another server using it? remove " + dataDir.resolve("postmaster.pid") + " if no Gale process runs)", e);
        }
    }

    record Started<T>(EmbeddedServer server, T connection) {
    }

    @FunctionalInterface
    interface ConnectFn<T> {
        T connect(String url, String user) throws Exception;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    Path dataDir() {
        return dataDir;
    }

    int port() {
        return port;
    }

    /** Stops the server when no other client is connected; {@code closeOwn} closes this process's pool first. */
    void release(Runnable closeOwn) {
        try {
            locked(lockFile, () -> {
                closeOwn.run();
                if (otherClients() > 0) {
                    return null;
                }
                if (owned != null) {
                    owned.close();
                    owned = null;
                } else if (postmasterPid > 0) {
                    ProcessHandle.of(postmasterPid).ifPresent(p -> {
                        p.destroy();
                        p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join();
                    });
                }
                return null;
            });
        } catch (Exception e) {
            // The server keeps running; the next Gale process attaches to it.
        }
    }

    private int otherClients() {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, null);
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    private void ensureDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, null)) {
            ResultSet rs = c.createStatement().executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'");
            if (!rs.next()) {
                c.createStatement().execute("create database " + DATABASE);
            }
        }
    }

    /** pid and port of a live server on dataDir, from its postmaster.pid. */
    private static Optional<int[]> runningServer(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            int pid = Integer.parseInt(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", USER, null)) {
                    return Optional.of(new int[] {pid, port});
                } catch (SQLException e) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static <T> T locked(Path lockFile, Callable<T> body) throws Exception {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.call();
        }
    }
}
