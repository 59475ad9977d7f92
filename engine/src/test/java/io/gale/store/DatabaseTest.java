package io.gale.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.config.ConfigException;
import io.gale.config.GaleConfig;
import io.gale.core.ConflictException;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.testing.Await;
import io.gale.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path home;

    @Test
    void unreachableExternalServerGivesAOneLineErrorWithoutThePassword() {
        assertThatThrownBy(() -> Database.external("jdbc:postgresql://127.0.0.1:1/gale", "gale", "s3cret-pw"))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/gale: ")
                .hasMessageContaining("Check GALE_DATABASE_URL")
                .hasMessageNotContaining("s3cret-pw")
                .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
    }

    @Test
    void theLatestMigrationConstantNamesTheNewestFileOfTheMigrationsFolder() throws Exception {
        try (var files = Files.list(Path.of("../migrations"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertThat(Database.LATEST_MIGRATION).as("Database.LATEST_MIGRATION").isEqualTo(newest);
        }
    }

    @Test
    void databaseUrlMustBePostgres() {
        assertThatThrownBy(() -> GaleConfig.from(Map.of("GALE_DATABASE_URL", "mysql://localhost/gale")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> GaleConfig.from(Map.of("GALE_PARALLELISM", "lots")))
                .hasMessage("GALE_PARALLELISM must be a positive whole number, got 'lots'");
    }

    @Test
    void aSecondProcessAttachesToTheRunningEmbeddedServerAndStateSurvives() throws Exception {
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));
        Path pidFile = home.resolve("postgres/postmaster.pid");
        try (Database first = Database.open(config)) {
            assertThat(first.description()).startsWith("embedded PostgreSQL, data in " + home.resolve("postgres"));
            new JooqStore(first).variables().set("greeting", "hello");
            String pid = Files.readAllLines(pidFile).get(0);
            try (Database second = Database.open(config)) {
                assertThat(second.description()).isEqualTo(first.description());
                assertThat(new JooqStore(second).variables().get("greeting")).contains("hello");
                assertThat(Files.readAllLines(pidFile).get(0)).isEqualTo(pid);
            }
            // the first is still connected, so the server kept running
            assertThat(new JooqStore(first).variables().get("greeting")).contains("hello");
        }
        Await.until(Duration.ofSeconds(30), "the server to stop", () -> !Files.exists(pidFile));
        try (Database again = Database.open(config)) {
            assertThat(new JooqStore(again).variables().get("greeting")).contains("hello");
        }
    }

    @Test
    void runKeysAreUniqueAndNothingIsHalfWritten() {
        try (Database db = TestDatabase.fresh()) {
            Store store = new JooqStore(db);
            store.serializedDags().syncBundle("test", List.of(io.gale.core.SerializedDag.of(io.gale.testing.Dags.single("d"), "x", "test")), Map.of(), true, Instant.EPOCH);
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            store.runs().create(new NewDagRun("d", "r1", RunType.MANUAL, t, t, t, DagRunState.QUEUED, Map.of("a", 1)));
            assertThat(store.runs().find("d", "r1").orElseThrow().conf()).isEqualTo(Map.of("a", 1));
            assertThatThrownBy(() -> store.runs().create(new NewDagRun("d", "r1", RunType.MANUAL, t.plusSeconds(1), t, t,
                    DagRunState.QUEUED, Map.of()))).isInstanceOf(ConflictException.class);
            assertThatThrownBy(() -> store.runs().create(new NewDagRun("d", "r2", RunType.MANUAL, t, t, t,
                    DagRunState.QUEUED, Map.of()))).isInstanceOf(ConflictException.class);
            // a transaction that fails midway leaves nothing behind
            assertThatThrownBy(() -> store.transact(tx -> {
                tx.runs().create(new NewDagRun("d", "r3", RunType.MANUAL, t.plusSeconds(5), t, t, DagRunState.QUEUED, Map.of()));
                tx.runs().create(new NewDagRun("d", "r1", RunType.MANUAL, t.plusSeconds(6), t, t, DagRunState.QUEUED, Map.of()));
            })).isInstanceOf(ConflictException.class);
            assertThat(store.runs().list("d")).extracting(r -> r.runId()).containsExactly("r1");
            assertThat(store.dags().find("d").orElseThrow().paused()).isTrue();
        }
    }

    @Test
    void processesStartingTogetherOnAFreshDatabaseMigrateItOnce() throws Exception {
        String url = TestDatabase.freshUrl();
        int n = 4;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> applied = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            applied.add(pool.submit(() -> {
                start.await();
                try (Database db = Database.external(url, "postgres", null)) {
                    return db.migrate();
                }
            }));
        }
        start.countDown();
        int total = 0;
        for (var f : applied) {
            total += f.get(120, java.util.concurrent.TimeUnit.SECONDS); // a failed migration throws here
        }
        pool.shutdown();
        try (Database db = Database.external(url, "postgres", null);
             var files = Files.list(Path.of("..", "migrations"))) {
            long migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
            assertThat(total).as("migrations applied by all processes together").isEqualTo((int) migrations);
            assertThat(db.migrate()).isZero();
        }
    }
}
