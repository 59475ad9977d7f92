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

/**
 * A fresh GALE_HOME with the embedded PostgreSQL (fsync on), or the empty database that
 * {@code GALE_DATABASE_URL} names, some DAGs, and a scheduler loop.
 */
final class BenchSupport implements AutoCloseable {

    final Path home;
    final Engine engine;
    final Operations client;

    BenchSupport(int parallelism, Dag... dags) throws IOException {
        home = Files.createTempDirectory("gale-bench");
        Map<String, String> env = new java.util.HashMap<>(Map.of("GALE_HOME", home.toString()));
        for (String key : new String[] {"GALE_DATABASE_URL", "GALE_DATABASE_USER", "GALE_DATABASE_PASSWORD"}) {
            if (System.getenv(key) != null) { // an external server (a fresh, empty database) instead of the embedded one
                env.put(key, System.getenv(key));
            }
        }
        GaleConfig config = GaleConfig.from(env).withParallelism(parallelism)
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
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            // the benchmark's own check asks the database: every 20 ms, not between every two loops
            long nextCheck = t0;
            while (true) {
                if (System.nanoTime() - nextCheck >= 0) {
                    if (done.getAsBoolean()) {
                        break;
                    }
                    nextCheck = System.nanoTime() + 20_000_000L;
                }
                scheduler.runOnce(scope, Duration.ofMillis(20));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.println("  scheduler: " + scheduler.stats());
            System.out.printf("  this process's CPU meanwhile: %.2f s (the scheduler, its executor, JIT and GC)%n",
                    (os.getProcessCpuTime() - cpu0) / 1e9);
            scheduler.shutdown(Duration.ofSeconds(5));
            return secs;
        }
    }

    /** {@code count} queued manual runs of {@code dagId} named {@code prefix0, prefix1...}, a minute apart from {@code t0}. */
    static java.util.List<io.gale.store.NewDagRun> queuedRuns(String dagId, String prefix, int count, java.time.Instant t0) {
        java.util.List<io.gale.store.NewDagRun> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            java.time.Instant t = t0.plusSeconds(60L * i);
            out.add(new io.gale.store.NewDagRun(dagId, prefix + i, io.gale.core.RunType.MANUAL, t, t, t,
                    io.gale.core.DagRunState.QUEUED, Map.of()));
        }
        return out;
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
