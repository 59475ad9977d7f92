package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.dagbag.DagBag;
import io.gale.edge.EdgeWorker;
import io.gale.edge.WorkerClient;
import io.gale.executor.TaskEvent;
import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.testing.Await;
import io.gale.testing.TestDatabase;
import io.gale.webui.Gale;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale worker} as a child process, killed with SIGKILL mid-task: the try is retried on
 * another worker, its side effect happens once per try, and the dead worker's late report is refused.
 */
class WorkerProcessTest {

    @TempDir
    Path home;

    private static final String DAG = """
            import io.gale.api.*;
            import java.nio.file.*;
            import java.time.Duration;

            public class ChildDag implements DagDefinition {
                public Dag define() {
                    var dag = Dag.builder("child_dag");
                    var first = dag.task("first", ctx -> "hello");
                    var slow = dag.task("slow", ctx -> {
                        Path dir = Path.of(ctx.variable("marker_dir").orElseThrow());
                        Files.writeString(dir.resolve("try-" + ctx.tryNumber() + "-" + System.nanoTime()), "ran");
                        if (ctx.tryNumber() == 1 && !new java.util.concurrent.CountDownLatch(1).await(120, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new IllegalStateException("try 1 was to be killed with its worker within 120 s");
                        }
                        return ctx.xcomPull("first", String.class) + " after try " + ctx.tryNumber();
                    }).retries(1).retryDelay(Duration.ofSeconds(1));
                    first.then(slow);
                    return dag.build();
                }
            }
            """;

    @Test
    void aWorkerProcessKilledMidTaskLosesItsTryToAnotherWorker() throws Exception {
        Path dags = Files.createDirectories(home.resolve("dags"));
        Path markers = Files.createDirectories(home.resolve("markers"));
        Files.writeString(dags.resolve("ChildDag.java"), DAG);
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.resolve("scheduler").toString(), "GALE_DAGS_FOLDER", dags.toString(),
                "GALE_STANDALONE_DAG_PROCESSOR", "true", "GALE_HEARTBEAT", "1", "GALE_ZOMBIE_THRESHOLD", "3",
                "GALE_EXECUTOR", "edge"));
        DagBag code = new DagBag(dags, config.dagCacheDir(), DagBag.class.getClassLoader()); // compiled once, shared by all
        AtomicBoolean stop = new AtomicBoolean();
        StringWriter errors = new StringWriter();
        List<EdgeWorker> workers = new ArrayList<>();
        Process child = null;
        StringBuffer childOutput = new StringBuffer();
        try (Engine engine = new Engine(config, TestDatabase.fresh(), code, Clock.systemUTC(), Map.of());
             WebServer server = WebServer.start(engine.operations(), "127.0.0.1", 0, Clock.systemUTC())) {
            engine.operations().processDags();
            assertThat(engine.operations().importErrors()).isEmpty();
            engine.operations().setPaused("child_dag", false); // only this DAG runs (the classpath's examples stay paused)
            engine.operations().setVariable("marker_dir", markers.toString());
            String token = engine.operations().workers().createToken("child-test");
            String url = "http://127.0.0.1:" + server.port();
            Thread scheduler = SchedulerThread.start(engine, Scheduler.Settings.defaults().withCreateRuns(false)
                    .withHeartbeat(Duration.ofSeconds(1)).withZombieThreshold(Duration.ofSeconds(30)), stop::get, errors);
            try {
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                        Gale.class.getName(), "worker", "--queues", "default", "--concurrency", "2", "--api-url", url, "--name", "child")
                        .redirectErrorStream(true);
                pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
                pb.environment().putAll(Map.of("GALE_HOME", home.resolve("scheduler").toString(), "GALE_DAGS_FOLDER", dags.toString(),
                        "GALE_HEARTBEAT", "1", "GALE_WORKER_TOKEN", token));
                child = pb.start();
                collect(child, childOutput);

                DagRun run = engine.operations().trigger("child_dag", Map.of(), null, null);
                TaskKey slow = new TaskKey("child_dag", run.runId(), "slow");
                Await.until(Duration.ofSeconds(60), "the child worker to start try 1 of slow; its output:\n" + childOutput,
                        () -> markers(markers, "try-1") == 1 && engine.store().logs().get(slow, 1).orElse("").contains("Worker child runs try 1"));
                child.destroyForcibly(); // SIGKILL mid-task
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

                workers.add(new EdgeWorker(new EdgeWorker.Settings(List.of("default"), 1, Duration.ofMillis(300), Duration.ofMillis(100)),
                        new WorkerClient(url, "rescuer", token), code, home.resolve("rescuer"), Map.of(), Clock.systemUTC()).start());
                Await.until(Duration.ofSeconds(40), "the run to finish", () ->
                        engine.store().runs().find("child_dag", run.runId()).orElseThrow().state().finished());

                assertThat(engine.store().runs().find("child_dag", run.runId()).orElseThrow().state()).isEqualTo(DagRunState.SUCCESS);
                TaskInstance ti = engine.store().taskInstances().find(slow).orElseThrow();
                assertThat(ti.state()).isEqualTo(TaskState.SUCCESS);
                assertThat(ti.tryNumber()).isEqualTo(2);
                assertThat(markers(markers, "try-1")).as("try 1 ran once").isEqualTo(1);
                assertThat(markers(markers, "try-2")).as("try 2 ran once").isEqualTo(1);
                assertThat(engine.store().xcoms().get(slow, "return_value")).contains("\"hello after try 2\"");
                assertThat(engine.store().logs().get(slow, 1).orElseThrow()).contains("was lost: its worker child stopped heartbeating");
                assertThat(engine.store().logs().get(slow, 2).orElseThrow()).contains("Worker rescuer runs try 2");
                assertThat(engine.store().logs().get(new TaskKey("child_dag", run.runId(), "first"), 1).orElseThrow())
                        .contains("Worker child runs try 1");

                Instant now = Instant.now();
                assertThat(new WorkerClient(url, "child", token).report(new TaskEvent(slow, 1, TaskState.SUCCESS, null, Map.of(),
                        "", now, now))).as("the dead worker's late report").isFalse();
                assertThat(engine.store().taskInstances().find(slow).orElseThrow().tryNumber()).isEqualTo(2);
                assertThat(childOutput.toString()).contains("Gale worker child started").doesNotContain(token);
            } finally {
                for (EdgeWorker w : workers) {
                    w.kill();
                }
                stop.set(true);
                scheduler.join(Duration.ofSeconds(60).toMillis());
            }
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
        }
        assertThat(errors.toString()).as("scheduler errors").isEmpty();
    }

    /** Side effects counted outside the database: files the task wrote, one per execution of a try. */
    private static long markers(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix + "-")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void collect(Process p, StringBuffer out) {
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
    }
}
