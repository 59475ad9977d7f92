package io.gale.dagbag;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.store.Database;
import io.gale.store.ImportErrorRepository.ImportError;
import io.gale.testing.Await;
import io.gale.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dags folder: .java files compiled at load time, picked up, changed and removed without a restart. */
class DagsFolderTest {

    @TempDir
    Path home;
    Path dags;
    io.gale.runtime.Engine engine;
    Operations client;
    DagProcessor processor;
    AutoCloseable watcher;

    static String dagSource(String className, String dagId, String body) {
        return """
                import io.gale.api.*;
                import java.time.*;

                public class %s implements DagDefinition {
                    public Dag define() {
                        var dag = Dag.builder("%s");
                        %s
                        return dag.build();
                    }
                }
                """.formatted(className, dagId, body);
    }

    @BeforeEach
    void open() throws Exception {
        dags = Files.createDirectories(home.resolve("dags"));
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString())).withDagDirListInterval(Duration.ofMillis(100));
        Database db = TestDatabase.fresh();
        engine = new io.gale.runtime.Engine(config, db, new DagBag(dags, config.dagCacheDir(), DagBag.class.getClassLoader()),
                Clock.systemUTC(), Map.of());
        client = engine.operations();
        processor = client.dagProcessor();
        watcher = processor.every(Duration.ofMillis(100), Throwable::printStackTrace);
    }

    @AfterEach
    void close() throws Exception {
        watcher.close();
        processor.close();
        client.close();
    }

    private boolean active(String dagId) {
        return client.store().dags().find(dagId).map(d -> d.active()).orElse(false);
    }

    private String importError(String file) {
        return client.store().importErrors().list().stream().filter(e -> e.filename().endsWith(file))
                .map(ImportError::message).findFirst().orElse(null);
    }

    @Test
    void aFileIsPickedUpChangedAndRemovedWithoutRestart() throws Exception {
        Path file = dags.resolve("Hello.java");
        Files.writeString(file, dagSource("Hello", "from_folder", "dag.task(\"hello\", ctx -> \"hi\");"));
        Await.until(Duration.ofSeconds(30), "the new DAG", () -> active("from_folder"));
        assertThat(client.dag("from_folder").fileloc()).isEqualTo(file.toString());

        DagRun run = engine.test("from_folder", Instant.parse("2026-01-01T00:00:00Z"), Map.of(), Duration.ofSeconds(30), false);
        assertThat(run.state().id()).isEqualTo("success");
        assertThat(client.xcoms("from_folder", run.runId(), "hello", "return_value").get(0).json()).isEqualTo("\"hi\"");

        Files.writeString(file, dagSource("Hello", "from_folder",
                "var a = dag.task(\"hello\", ctx -> \"hi\"); a.then(dag.task(\"bye\", ctx -> \"bye\"));"));
        Await.until(Duration.ofSeconds(30), "the changed DAG",
                () -> client.store().serializedDags().find("from_folder").map(d -> d.tasks().size() == 2).orElse(false));

        Files.delete(file);
        Await.until(Duration.ofSeconds(30), "the DAG to go away",
                () -> client.store().serializedDags().find("from_folder").isEmpty() && !active("from_folder"));
    }

    @Test
    void brokenFilesBecomeImportErrorsAndTakeNoOtherDagDown() throws Exception {
        Files.writeString(dags.resolve("Good.java"), dagSource("Good", "good", "dag.task(\"t\", ctx -> 1);"));
        Files.writeString(dags.resolve("Broken.java"), dagSource("Broken", "broken", "dag.task(\"t\", ctx -> 1)  // missing ;"));
        Files.writeString(dags.resolve("Throws.java"), dagSource("Throws", "throws", "if (true) throw new IllegalStateException(\"no config\");"));
        Files.writeString(dags.resolve("Cyclic.java"), dagSource("Cyclic", "cyclic",
                "var a = dag.task(\"a\", ctx -> 1); var b = dag.task(\"b\", ctx -> 2); a.then(b).then(a);"));
        Files.writeString(dags.resolve("BadCron.java"), dagSource("BadCron", "bad_cron",
                "dag.schedule(\"61 * * * *\").startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of(\"UTC\")));"));
        Files.writeString(dags.resolve("BadPreset.java"), dagSource("BadPreset", "bad_preset",
                "dag.schedule(\"@fortnightly\").startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of(\"UTC\")));"));
        Files.writeString(dags.resolve("BadZone.java"), dagSource("BadZone", "bad_zone",
                "dag.schedule(\"@daily\").startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of(\"Mars/Olympus\")));"));
        Files.writeString(dags.resolve("Dup.java"), dagSource("Dup", "dup",
                "dag.task(\"t\", ctx -> 1); dag.task(\"t\", ctx -> 2);"));

        Await.until(Duration.ofSeconds(60), "all import errors", () -> client.store().importErrors().list().size() == 7);
        assertThat(active("good")).isTrue();
        assertThat(importError("Broken.java")).startsWith("compilation failed: Broken.java:7: ");
        assertThat(importError("Throws.java")).isEqualTo("Throws.define() threw java.lang.IllegalStateException: no config");
        assertThat(importError("Cyclic.java")).isEqualTo("DAG 'cyclic': task 'a' is in a cycle: a -> b -> a");
        assertThat(importError("BadCron.java")).startsWith("DAG 'bad_cron': invalid schedule '61 * * * *'");
        assertThat(importError("BadPreset.java")).startsWith("DAG 'bad_preset': invalid schedule '@fortnightly'");
        assertThat(importError("BadZone.java")).contains("Mars/Olympus");
        assertThat(importError("Dup.java")).isEqualTo("DAG 'dup': task 't': duplicate task id");

        // fixing a file clears its error
        Files.writeString(dags.resolve("Broken.java"), dagSource("Broken", "broken", "dag.task(\"t\", ctx -> 1);"));
        Await.until(Duration.ofSeconds(30), "the fix", () -> active("broken") && importError("Broken.java") == null);
    }

    @Test
    void aJarInTheFolderIsLoaded() throws Exception {
        Path src = Files.createDirectories(home.resolve("src"));
        Files.writeString(src.resolve("InJar.java"), dagSource("InJar", "in_jar", "dag.task(\"t\", ctx -> 1);"));
        Path classes = Files.createDirectories(home.resolve("classes"));
        var javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                src.resolve("InJar.java").toString())).isZero();
        Path jar = home.resolve("in_jar.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("InJar.class"));
            out.write(Files.readAllBytes(classes.resolve("InJar.class")));
            out.closeEntry();
        }
        Files.move(jar, dags.resolve("in_jar.jar"));
        Await.until(Duration.ofSeconds(30), "the jar's DAG", () -> active("in_jar"));
    }
}
