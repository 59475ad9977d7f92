package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.dagbag.DagBag;
import io.gale.edge.EdgeWorker;
import io.gale.edge.WorkerClient;
import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.testing.TestDatabase;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The server side of remote workers in the test's own process: an engine with
 * {@code GALE_EXECUTOR=edge} on a fresh database, the web server on a free port, a worker token
 * and a scheduler thread. Workers started through {@link #started} are killed by {@link #close},
 * which then stops the rest and fails the test if the scheduler reported an error.
 */
final class EdgeFixture implements AutoCloseable {

    final Engine engine;
    final WebServer server;
    /** A worker token ({@code gale workers create-token}). */
    final String token;
    private final Thread scheduler;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final StringWriter schedulerErrors = new StringWriter();
    private final List<EdgeWorker> workers = new ArrayList<>();

    /**
     * @param env      settings over the common ones: {@code GALE_HOME}, a DAG processor of its own
     *                 (none here), 1-s heartbeats, the edge executor, DAGs unpaused at creation
     * @param prepare  what the test sets up (pools, variables) before the DAGs are synced
     * @param settings the scheduler thread's settings
     */
    EdgeFixture(Path home, DagBag bag, Map<String, String> env, Consumer<Operations> prepare, Scheduler.Settings settings) {
        Map<String, String> all = new HashMap<>(Map.of("GALE_HOME", home.toString(), "GALE_STANDALONE_DAG_PROCESSOR", "true",
                "GALE_HEARTBEAT", "1", "GALE_EXECUTOR", "edge", "GALE_DAGS_ARE_PAUSED_AT_CREATION", "false"));
        all.putAll(env);
        engine = new Engine(GaleConfig.from(all), TestDatabase.fresh(), bag, Clock.systemUTC(), Map.of());
        prepare.accept(engine.operations());
        engine.operations().syncDags(bag);
        assertThat(engine.operations().importErrors()).as("import errors").isEmpty();
        server = WebServer.start(engine.operations(), "127.0.0.1", 0, Clock.systemUTC());
        token = engine.operations().workers().createToken("test-workers");
        scheduler = SchedulerThread.start(engine, settings, stop::get, schedulerErrors);
    }

    /** The web server's address. */
    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A client of the worker API, as worker {@code name}, with the fixture's token. */
    WorkerClient client(String name) {
        return new WorkerClient(url(), name, token);
    }

    /** Starts {@code worker}; {@link #close} kills it. */
    EdgeWorker started(EdgeWorker worker) {
        workers.add(worker);
        return worker.start();
    }

    @Override
    public void close() throws Exception {
        for (EdgeWorker w : workers) {
            w.kill();
        }
        stop.set(true);
        scheduler.join(Duration.ofSeconds(60).toMillis());
        server.close();
        engine.close();
        assertThat(schedulerErrors.toString()).as("scheduler errors").isEmpty();
    }
}
