package io.gale.bench;

import io.gale.api.Dag;
import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.dagbag.DagBag;
import io.gale.executor.LocalExecutor;
import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.store.Database;
import io.gale.store.DagRunRepository.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A fresh GALE_HOME with the embedded PostgreSQL (fsync on), some DAGs, and a scheduler loop. */
final class BenchSupport implements AutoCloseable {

    final Path home;
    final Engine engine;
    final Operations client;

    BenchSupport(int parallelism, Dag... dags) throws IOException {
        home = Files.createTempDirectory("gale-bench");
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString())).withParallelism(parallelism)
                .withPausedAtCreation(false);
        Database db = Database.open(config);
        DagBag bag = DagBag.of(dags);
        engine = new Engine(config, db, bag, Clock.systemUTC(), Map.of());
        client = engine.operations();
        client.syncDags(bag);
    }

    /** Runs a scheduler loop until {@code done}; returns the wall time in seconds. */
    double runUntil(Scope scope, boolean createRuns, BooleanSupplier done) throws Exception {
        try (LocalExecutor executor = engine.newExecutor();
             Scheduler scheduler = engine.newScheduler(executor, engine.schedulerSettings().withCreateRuns(createRuns))) {
            long t0 = System.nanoTime();
            while (!done.getAsBoolean()) {
                scheduler.runOnce(scope, Duration.ofMillis(200));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.println("  scheduler: " + scheduler.stats());
            scheduler.shutdown(Duration.ofSeconds(5));
            return secs;
        }
    }

    static double percentile(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
    }

    @Override
    public void close() {
        client.close();
    }
}
