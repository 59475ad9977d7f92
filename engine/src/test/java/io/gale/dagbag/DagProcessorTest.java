package io.gale.dagbag;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.cli.Cli;
import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.core.SerializedDag;
import io.gale.store.Database;
import io.gale.store.ImportErrorRepository.ImportError;
import io.gale.store.JooqStore;
import io.gale.store.Store;
import io.gale.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DAG processor runs DAG code in a child process: a file that exits, hangs or throws becomes
 * an import error and nothing else; a file that breaks keeps its last good version; a bundle
 * deactivates only its own DAGs; and commands that only show DAGs never run DAG code.
 */
class DagProcessorTest {

    @TempDir
    Path home;
    Path dags;
    String url;
    Database db;
    Store store;

    @BeforeEach
    void open() throws Exception {
        dags = Files.createDirectories(home.resolve("dags"));
        url = TestDatabase.freshUrl();
        db = Database.external(url, "postgres", null);
        db.migrate();
        store = new JooqStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private DagProcessor processor(Path folder, Duration timeout) {
        return new DagProcessor(folder, home.resolve("cache"), home.resolve("logs/dag-processor.log"), timeout, store, true,
                Clock.systemUTC());
    }

    private static String source(String className, String dagId, String statics, String body) {
        return """
                import io.gale.api.*;
                import java.nio.file.*;
                import java.time.*;

                public class %s implements DagDefinition {
                    %s
                    public Dag define() {
                        var dag = Dag.builder("%s");
                        %s
                        return dag.build();
                    }
                }
                """.formatted(className, statics, dagId, body);
    }

    private boolean active(String dagId) {
        return store.dags().find(dagId).map(d -> d.active()).orElse(false);
    }

    private String importError(String file) {
        return store.importErrors().list().stream().filter(e -> e.filename().endsWith(file))
                .map(ImportError::message).findFirst().orElse(null);
    }

    private String marker(Path file) throws Exception {
        return "try { Files.writeString(Path.of(\"" + file + "\"), \"x\\n\", StandardOpenOption.CREATE, StandardOpenOption.APPEND); }"
                + " catch (Exception e) { throw new RuntimeException(e); }";
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFileThatExitsHangsOrThrowsBecomesAnImportErrorAndTakesNothingDown() throws Exception {
        Path hangs = home.resolve("hangs.calls");
        Files.writeString(dags.resolve("Good.java"), source("Good", "good", "", "dag.task(\"t\", ctx -> 1);"));
        Files.writeString(dags.resolve("Exits.java"), source("Exits", "exits", "", "System.exit(3);"));
        Files.writeString(dags.resolve("Hangs.java"), source("Hangs", "hangs", "",
                marker(hangs) + " try { new java.util.concurrent.CountDownLatch(1).await(); } catch (InterruptedException e) { throw new RuntimeException(e); }"));
        Files.writeString(dags.resolve("Halts.java"), source("Halts", "halts", "", "Runtime.getRuntime().halt(9);"));
        Files.writeString(dags.resolve("Throws.java"), source("Throws", "throws", "", "if (true) throw new IllegalStateException(\"no config\");"));
        Files.writeString(dags.resolve("Later.java"), source("Later", "later", "", "dag.task(\"t\", ctx -> 2);"));

        try (DagProcessor p = processor(dags, Duration.ofSeconds(8))) {
            DagProcessor.Pass pass = p.processOnce();
            assertThat(pass.changedDags()).contains("good", "later");
            assertThat(active("good")).isTrue();
            assertThat(active("later")).isTrue();
            assertThat(importError("Exits.java")).isEqualTo(
                    "the DAG processor's child process exited with code 3 while loading it (does the DAG code call System.exit?)");
            assertThat(importError("Halts.java")).contains("exited with code 9");
            assertThat(importError("Hangs.java")).isEqualTo("loading took longer than 8 s (GALE_DAGBAG_IMPORT_TIMEOUT) and was stopped");
            assertThat(importError("Throws.java")).isEqualTo("Throws.define() threw java.lang.IllegalStateException: no config");
            assertThat(lines(hangs)).isEqualTo(1);

            // unchanged files are not loaded again: the hanging file is not retried until it changes
            DagProcessor.Pass again = p.processOnce();
            assertThat(again.changedDags()).isEmpty();
            assertThat(lines(hangs)).isEqualTo(1);
            assertThat(store.importErrors().list()).hasSize(4);
        }
    }

    @Test
    void aPassStoppedMidwayRecordsNothing() throws Exception {
        Path hangs = home.resolve("hangs.calls");
        Files.writeString(dags.resolve("Good.java"), source("Good", "good", "", "dag.task(\"t\", ctx -> 1);"));
        Files.writeString(dags.resolve("Hangs.java"), source("Hangs", "hangs", "",
                marker(hangs) + " try { new java.util.concurrent.CountDownLatch(1).await(); } catch (InterruptedException e) { throw new RuntimeException(e); }"));
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (DagProcessor p = processor(dags, Duration.ofSeconds(120))) {
            AutoCloseable passes = p.every(Duration.ofSeconds(1), errors::add);
            io.gale.testing.Await.until(Duration.ofSeconds(60), "the hanging file's code to run", () -> lines(hangs) == 1);
            passes.close(); // stops the pass while the child is loading Hangs.java
        }
        assertThat(errors).isEmpty();
        assertThat(store.importErrors().list()).isEmpty();
        assertThat(store.serializedDags().processedAt(DagProcessor.folderBundle(dags))).isEmpty();
        assertThat(active("good")).isFalse();
    }

    @Test
    void aFileThatBreaksKeepsItsLastGoodVersionUntilItIsFixed() throws Exception {
        Path file = dags.resolve("Flaky.java");
        Files.writeString(file, source("Flaky", "flaky", "", "dag.task(\"a\", ctx -> 1).then(dag.task(\"b\", ctx -> 2));"));
        try (DagProcessor p = processor(dags, Duration.ofSeconds(30))) {
            p.processOnce();
            String goodHash = store.serializedDags().find("flaky").orElseThrow().hash();

            Files.writeString(file, source("Flaky", "flaky", "", "dag.task(\"a\", ctx -> 1)  // a missing semicolon"));
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
            p.processOnce();
            assertThat(importError("Flaky.java")).startsWith("compilation failed: Flaky.java:");
            assertThat(active("flaky")).isTrue();
            SerializedDag kept = store.serializedDags().find("flaky").orElseThrow();
            assertThat(kept.hash()).isEqualTo(goodHash);
            assertThat(kept.topologicalOrder()).containsExactly("a", "b");

            Files.writeString(file, source("Flaky", "flaky", "", "dag.task(\"a\", ctx -> 1);"));
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 4000));
            p.processOnce();
            assertThat(importError("Flaky.java")).isNull();
            assertThat(store.serializedDags().find("flaky").orElseThrow().topologicalOrder()).containsExactly("a");
        }
    }

    @Test
    void aProcessorOfAnotherFolderDeactivatesNothingOfThisOne() throws Exception {
        Files.writeString(dags.resolve("Mine.java"), source("Mine", "mine", "", "dag.task(\"t\", ctx -> 1);"));
        Files.writeString(dags.resolve("Broken.java"), source("Broken", "broken", "", "nope"));
        try (DagProcessor p = processor(dags, Duration.ofSeconds(30))) {
            p.processOnce();
        }
        assertThat(active("mine")).isTrue();
        long version = store.serializedDags().version();

        Path other = Files.createDirectories(home.resolve("typo"));
        try (DagProcessor p = processor(other, Duration.ofSeconds(30))) {
            p.processOnce();
        }
        assertThat(active("mine")).isTrue();
        assertThat(importError("Broken.java")).isNotNull();
        assertThat(store.serializedDags().version()).isEqualTo(version);

        // its own processor does deactivate a DAG whose file went away
        Files.delete(dags.resolve("Mine.java"));
        try (DagProcessor p = processor(dags, Duration.ofSeconds(30))) {
            p.processOnce();
        }
        assertThat(active("mine")).isFalse();
    }

    @Test
    void commandsThatOnlyShowDagsNeverRunDagCode() throws Exception {
        Path loads = home.resolve("loads.count");
        for (int i = 0; i < 3; i++) {
            Files.writeString(dags.resolve("Counted" + i + ".java"), source("Counted" + i, "counted_" + i,
                    "static { " + marker(loads) + " }",
                    "dag.schedule(\"@daily\").startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of(\"Europe/Paris\")));"
                            + " dag.task(\"t\", ctx -> 1);"));
        }
        try (DagProcessor p = processor(dags, Duration.ofSeconds(30))) {
            p.processOnce();
        }
        assertThat(lines(loads)).isEqualTo(3);

        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString(), "GALE_DATABASE_URL", url,
                "GALE_DATABASE_USER", "postgres"));
        for (List<String> args : List.of(List.of("dags", "list"), List.of("dags", "show", "counted_0"),
                List.of("dags", "next-execution", "counted_1"), List.of("dags", "unpause", "counted_1"),
                List.of("dags", "trigger", "counted_2", "-r", "by_hand"), List.of("dags", "list-runs", "-d", "counted_2"),
                List.of("tasks", "states-for-dag-run", "counted_2", "by_hand"), List.of("dags", "list-import-errors"))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = new Cli(config, io.gale.runtime.Engine::open).run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            assertThat(code).as(args + ": " + err).isZero();
            assertThat(err.toString()).as(String.join(" ", args)).isEmpty();
            if (args.get(1).equals("list")) {
                assertThat(out.toString()).contains("counted_0", "counted_1", "counted_2", "Europe/Paris");
            }
        }
        assertThat(lines(loads)).as("DAG classes initialised").isEqualTo(3);
    }
}
