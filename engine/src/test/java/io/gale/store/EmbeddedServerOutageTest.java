package io.gale.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.config.GaleConfig;
import io.gale.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server after a crash (kill -9 of its postmaster): it comes back on its remembered
 * port and the pool reconnects; release() leaves it running when unsure; the change listener
 * survives both a lost connection and a callback that throws.
 */
class EmbeddedServerOutageTest {

    @TempDir
    Path home;

    private GaleConfig config(int parallelism) {
        return GaleConfig.from(Map.of("GALE_HOME", home.toString(), "GALE_PARALLELISM", Integer.toString(parallelism)));
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    private static void kill9(long pid) {
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroyForcibly();
        Await.until(Duration.ofSeconds(10), "postmaster " + pid + " to die", () -> !p.isAlive());
    }

    @Test
    void aKilledServerComesBackOnItsRememberedPortAndThePoolReconnects() throws Exception {
        try (Database db = Database.open(config(8))) {
            Store store = new JooqStore(db);
            store.variables().set("greeting", "hello");
            int port = Integer.parseInt(Files.readString(home.resolve("postgres.port")).trim());
            assertThat(db.description()).endsWith("(port " + port + ")");
            long pid = postmasterPid();

            kill9(pid);
            // the pool finds the server down and this process starts it again, on the same port
            // (a statement on a connection that broke with the server fails; the next one gets a new connection)
            Await.until(Duration.ofSeconds(30), "the pool to reach the restarted server", () -> readsGreeting(store));
            assertThat(postmasterPid()).isNotEqualTo(pid);
            assertThat(Files.readString(home.resolve("postgres.port")).trim()).isEqualTo(Integer.toString(port));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/gale", "postgres", null)) {
                assertThat(c.isValid(2)).isTrue();
            }

            // a second process's view: killed again, another Database (any Gale command) restarts it
            kill9(postmasterPid());
            try (Database other = Database.open(config(8))) {
                assertThat(new JooqStore(other).variables().get("greeting")).contains("hello");
                assertThat(other.description()).isEqualTo(db.description());
            }
            Await.until(Duration.ofSeconds(30), "the first pool to reconnect", () -> readsGreeting(store));
        }
    }

    private static boolean readsGreeting(Store store) {
        try {
            return store.variables().get("greeting").filter("hello"::equals).isPresent();
        } catch (RuntimeException e) {
            assertThat(ConnectionErrors.isConnectionLoss(e)).as("a connection error: %s", e).isTrue();
            return false;
        }
    }

    @Test
    void releaseLeavesTheServerRunningWhenTheClientCountCannotBeRead() throws Exception {
        Database db = Database.open(config(8));
        long pid = postmasterPid();
        int port = Integer.parseInt(Files.readString(home.resolve("postgres.port")).trim());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/gale", "postgres", null)) {
            // release() counts clients through the "postgres" database: make that impossible
            c.createStatement().execute("alter database postgres with allow_connections false");
        }
        db.close(); // no other client, but the count cannot be read: unsure, so the server stays
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/gale", "postgres", null)) {
            c.createStatement().execute("alter database postgres with allow_connections true");
        }
        Database.open(config(8)).close(); // now the count is readable and no one else is connected
        Await.until(Duration.ofSeconds(30), "the server to stop", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void thePoolIsSizedFromTheParallelismWithAFloor() {
        try (Database small = Database.open(config(1))) {
            assertThat(small.maxConnections()).isEqualTo(Database.MIN_POOL);
            try (Database big = Database.open(config(40))) {
                assertThat(big.maxConnections()).isEqualTo(44);
            }
        }
    }

    @Test
    void theChangeListenerSurvivesAThrowingCallbackAndALostConnection() throws Exception {
        try (Database db = Database.open(config(8))) {
            Store store = new JooqStore(db);
            AtomicInteger calls = new AtomicInteger();
            try (ChangeListener listener = new ChangeListener(db, () -> {
                calls.incrementAndGet();
                throw new IllegalStateException("callback bug");
            })) {
                Await.until(Duration.ofSeconds(10), "a notification after a throwing callback", () -> {
                    store.notifyChange();
                    return calls.get() >= 2;
                });
                assertThat(listener.listening()).isTrue();

                kill9(postmasterPid());
                int before = calls.get();
                // the pool brings the server back; the listener reconnects and hears notifications again
                Await.until(Duration.ofSeconds(40), "notifications after the server came back", () -> {
                    try {
                        store.notifyChange();
                    } catch (RuntimeException e) {
                        return false; // still coming back
                    }
                    return calls.get() > before + 1;
                });
                assertThat(listener.listening()).isTrue();
            }
        }
    }
}
