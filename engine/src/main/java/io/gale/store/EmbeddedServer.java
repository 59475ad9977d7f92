package io.gale.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL server whose data lives in {@code $GALE_HOME/postgres}. The first Gale
 * process starts it; later processes attach to the running server. The last process to leave
 * (no other client connected) stops it. Start, restart, attach and stop are serialised by a file
 * lock ({@code $GALE_HOME/postgres.lock}).
 *
 * <p>The server keeps one port, chosen once and remembered in {@code $GALE_HOME/postgres.port}
 * ({@value #DEFAULT_PORT} unless taken, else a free port), so a server restarted after a crash
 * comes back where the pools of running processes look for it: any process that finds it down
 * ({@link #reviveIfDown()}) starts it again. PostgreSQL itself removes a stale
 * {@code postmaster.pid} whose process is gone.
 */
final class EmbeddedServer {

    static final String USER = "postgres";
    static final String DATABASE = "gale";
    static final int DEFAULT_PORT = 15432;
    /** Crash recovery after a kill -9 on a busy machine can take a while. */
    static final java.time.Duration STARTUP_WAIT = java.time.Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    private final Path dataDir;
    private final Path lockFile;
    private final Path portFile;
    private final Path logFile;
    private volatile int port;
    private EmbeddedPostgres owned;

    private EmbeddedServer(Path home, int port, EmbeddedPostgres owned) {
        this.dataDir = home.resolve("postgres");
        this.lockFile = home.resolve("postgres.lock");
        this.portFile = home.resolve("postgres.port");
        this.logFile = home.resolve("postgres.log");
        this.port = port;
        this.owned = owned;
    }

    /**
     * Starts the server or attaches to the one running on {@code $GALE_HOME/postgres};
     * {@code connect} runs under the lock so that no other process stops the server before this
     * one is connected.
     */
    static <T> Started<T> startOrAttach(Path home, ConnectFn<T> connect) {
        Path dataDir = home.resolve("postgres");
        try {
            Files.createDirectories(home);
            return locked(home.resolve("postgres.lock"), () -> {
                Optional<Postmaster> running = runningServer(dataDir);
                EmbeddedServer server;
                if (running.isPresent()) {
                    server = new EmbeddedServer(home, running.get().port(), null);
                } else {
                    server = new EmbeddedServer(home, 0, null);
                    server.start();
                }
                return new Started<>(server, connect.connect(server));
            });
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot start the embedded PostgreSQL in " + dataDir + ": " + firstLine(e)
                    + " (its log: " + home.resolve("postgres.log") + ")", e);
        }
    }

    record Started<T>(EmbeddedServer server, T connection) {
    }

    @FunctionalInterface
    interface ConnectFn<T> {
        T connect(EmbeddedServer server) throws Exception;
    }

    /** The pid and port a live postmaster wrote into its {@code postmaster.pid}. */
    private record Postmaster(long pid, int port) {
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

    /**
     * Starts the server again when it is down (its postmaster gone, e.g. after {@code kill -9});
     * returns true when a connection is worth retrying: this call started it, or it runs on
     * another port than this process knew (another process restarted it there because the old
     * port was taken). Any process may call it: the file lock makes sure only one server starts.
     */
    synchronized boolean reviveIfDown() {
        try {
            return locked(lockFile, () -> {
                Optional<Postmaster> running = runningServer(dataDir);
                if (running.isPresent()) {
                    boolean moved = running.get().port() != port;
                    port = running.get().port();
                    return moved;
                }
                owned = null; // its postmaster is dead; zonky's own data directory lock was released at start
                start();
                LOG.warn("The embedded PostgreSQL in {} was down; restarted it on port {}", dataDir, port);
                return true;
            });
        } catch (Exception e) {
            LOG.warn("The embedded PostgreSQL in {} is down and could not be restarted yet: {}", dataDir, firstLine(e));
            return false;
        }
    }

    /**
     * Stops the server when no other client is connected; {@code closeOwn} closes this process's
     * pool first. When the number of other clients cannot be read, the server keeps running.
     */
    void release(Runnable closeOwn) {
        try {
            locked(lockFile, () -> {
                closeOwn.run();
                Optional<Integer> others = otherClients();
                if (others.isEmpty() || others.get() > 0) {
                    return null;
                }
                if (owned != null) {
                    owned.close(); // pg_ctl stop on the data directory: whichever process started the server last
                    owned = null;
                } else {
                    // the server may have been restarted by another process since this one attached
                    runningServer(dataDir).flatMap(pm -> ProcessHandle.of(pm.pid())).ifPresent(p -> {
                        p.destroy();
                        p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join();
                    });
                }
                return null;
            });
        } catch (Exception e) {
            LOG.warn("Left the embedded PostgreSQL in {} running: stopping it failed: {}", dataDir, firstLine(e));
        }
    }

    /** Clients of the server other than the asking connection, or empty when that cannot be read. */
    Optional<Integer> otherClients() {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, null);
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()")) {
            rs.next();
            return Optional.of(rs.getInt(1));
        } catch (SQLException e) {
            LOG.warn("Left the embedded PostgreSQL on port {} running: cannot tell whether other processes use it: {}",
                    port, firstLine(e));
            return Optional.empty();
        }
    }

    /** Starts a server on the remembered port (or a new one, then remembered); call under the lock. */
    private void start() throws IOException, SQLException, InterruptedException {
        awaitOldPostmasterGone();
        int chosen = choosePort();
        EmbeddedPostgres pg;
        try {
            pg = startOn(chosen);
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // a failed start in this JVM left zonky's lock on an object nobody holds; the JVM's table
            // of file locks holds such locks weakly, so collecting the object frees the lock
            System.gc();
            pg = startOn(chosen);
        } catch (IOException | RuntimeException e) {
            if (!answers(chosen) && portFree(chosen)) {
                throw e;
            }
            int other = freePort();
            LOG.warn("Port {} of the embedded PostgreSQL is taken; using port {} from now on", chosen, other);
            pg = startOn(other);
            chosen = other;
        }
        releaseDataDirectoryLock(pg);
        owned = pg;
        port = chosen;
        remember(chosen);
        ensureDatabase();
    }

    /**
     * A postmaster killed with -9 leaves its {@code postmaster.pid}. PostgreSQL replaces the file
     * itself once that process is gone, but refuses while it still exists (a zombie not reaped
     * yet): wait for that. A pid that now belongs to another program is not a postmaster, so the
     * file is removed.
     */
    private void awaitOldPostmasterGone() throws InterruptedException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        long pid;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {}: {}", pidFile, firstLine(e));
            return;
        }
        long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
        while (Files.exists(Path.of("/proc", Long.toString(pid))) && System.nanoTime() < deadline) {
            Optional<String> command = ProcessHandle.of(pid).flatMap(p -> p.info().command());
            if (command.isPresent() && !command.get().contains("postgres")) {
                LOG.warn("Removing {}: its pid {} now belongs to {}", pidFile, pid, command.get());
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                    LOG.warn("Cannot remove {}: {}", pidFile, firstLine(e));
                }
                return;
            }
            Thread.sleep(100); // a dead postmaster waiting to be reaped, or one still shutting down
        }
    }

    private EmbeddedPostgres startOn(int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setPGStartupWait(STARTUP_WAIT)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /** The remembered port if it is free, else the default, else any free port. */
    private int choosePort() throws IOException {
        try {
            if (Files.exists(portFile)) {
                int remembered = Integer.parseInt(Files.readString(portFile).trim());
                if (portFree(remembered)) {
                    return remembered;
                }
                LOG.warn("Port {} remembered in {} is taken by another program; choosing another", remembered, portFile);
            }
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring {}: it does not hold a port number", portFile);
        }
        return portFree(DEFAULT_PORT) ? DEFAULT_PORT : freePort();
    }

    private void remember(int chosen) throws IOException {
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, chosen + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, portFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Zonky holds a lock on {@code epg-lock} in the data directory for as long as its object
     * lives, so after a crash of the server no other process could start it again while this one
     * runs. Gale serialises start and stop with its own lock and PostgreSQL guards its data
     * directory with {@code postmaster.pid}, so zonky's lock is released at once.
     */
    private void releaseDataDirectoryLock(EmbeddedPostgres pg) {
        try {
            Field lock = EmbeddedPostgres.class.getDeclaredField("lock");
            Field stream = EmbeddedPostgres.class.getDeclaredField("lockStream");
            lock.setAccessible(true);
            stream.setAccessible(true);
            FileLock held = (FileLock) lock.get(pg);
            if (held != null) {
                held.release();
                lock.set(pg, null);
            }
            OutputStream out = (OutputStream) stream.get(pg);
            if (out != null) {
                out.close();
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            LOG.warn("Cannot release zonky's lock on {}: after a crash only this process can restart the server ({})",
                    dataDir, firstLine(e));
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
    private static Optional<Postmaster> runningServer(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.empty(); // stale after a crash: PostgreSQL replaces it when it starts
            }
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", USER, null)) {
                return Optional.of(new Postmaster(pid, port));
            } catch (SQLException e) {
                LOG.debug("postmaster {} in {} does not accept connections: {}", pid, dataDir, e.getMessage());
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {}: {}", pidFile, firstLine(e));
            return Optional.empty();
        }
    }

    /** Whether something accepts TCP connections on the port. */
    private static boolean answers(int port) {
        if (port <= 0) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }

    /** Runs {@code body} holding the file lock (and, since a JVM may hold a file lock only once, a monitor). */
    private static <T> T locked(Path lockFile, Callable<T> body) throws Exception {
        synchronized (EmbeddedServer.class) {
            return lockedFile(lockFile, body);
        }
    }

    private static <T> T lockedFile(Path lockFile, Callable<T> body) throws Exception {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.call();
        }
    }
}
