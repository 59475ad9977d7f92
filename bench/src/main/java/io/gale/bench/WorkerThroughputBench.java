package io.gale.bench;

import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.core.DagRunState;
import io.gale.core.RunKey;
import io.gale.core.TaskKey;
import io.gale.store.Database;
import io.gale.store.EdgeRepository.NewJob;
import io.gale.store.NewDagRun;
import io.gale.store.Store;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * No-op tasks through remote workers: {@code gale scheduler} x 2 ({@code GALE_EXECUTOR=edge}), one
 * {@code gale webserver} and {@code gale worker} x 2 as child processes on one embedded PostgreSQL
 * (fsync on) run RUNS runs x 10 no-op tasks ({@code [RUNS [CONCURRENCY [CLAIMS]]]}, default 200
 * runs, 16 tries per worker, 2,000 claims). Then, with the processes stopped, what one claim
 * costs PostgreSQL: CLAIMS claims of one try each from a loop (the statement a worker's claim runs,
 * in its transaction), and as many claims that find nothing (an idle worker's poll), timed and
 * with the CPU time of its PostgreSQL's processes read from /proc.
 */
public final class WorkerThroughputBench {

    private static final String DAG = """
            import io.gale.api.*;

            public class WorkerThroughput implements DagDefinition {
                public Dag define() {
                    var b = Dag.builder("worker_throughput").maxActiveRuns(64).maxActiveTasks(256);
                    var first = b.task("start", ctx -> null);
                    var end = b.task("end", ctx -> null);
                    for (int i = 0; i < 8; i++) {
                        first.then(b.task("work_" + i, ctx -> null)).then(end);
                    }
                    return b.build();
                }
            }
            """;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int claims = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Path home = Files.createTempDirectory("gale-worker-bench");
        Files.createDirectories(home.resolve("dags"));
        Files.writeString(home.resolve("dags").resolve("WorkerThroughput.java"), DAG);
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Process> children = new ArrayList<>();
        try (Database db = Database.open(config); Operations ops = new Operations(config, db, Clock.systemUTC())) {
            ops.processDags();
            ops.setPaused("worker_throughput", false);
            String token = ops.workers().createToken("bench");
            Map<String, String> edge = Map.of("GALE_EXECUTOR", "edge", "GALE_PARALLELISM", "64");
            children.add(start(home, "webserver", Map.of(), "webserver", "--port", String.valueOf(port), "--hostname", "127.0.0.1"));
            children.add(start(home, "scheduler-1", edge, "scheduler"));
            children.add(start(home, "scheduler-2", edge, "scheduler"));
            await(Duration.ofSeconds(120), "the web server", () -> output(home, "webserver").contains("Gale web server"));
            for (String w : List.of("worker-1", "worker-2")) {
                children.add(start(home, w, Map.of("GALE_WORKER_TOKEN", token), "worker", "--queues", "default", "--concurrency",
                        String.valueOf(concurrency), "--api-url", "http://127.0.0.1:" + port, "--name", w));
            }
            await(Duration.ofSeconds(120), "two schedulers and two workers", () -> ops.workers().list().size() == 2
                    && output(home, "scheduler-1").contains("Gale scheduler started") && output(home, "scheduler-2").contains("Gale scheduler started"));

            Store store = ops.store();
            store.runs().createAll(BenchSupport.queuedRuns("worker_throughput", "run_", runs, Instant.parse("2020-01-01T00:00:00Z")));
            long t0 = System.nanoTime();
            await(Duration.ofHours(1), "the runs", () -> store.runs().countActive("worker_throughput") == 0);
            double secs = (System.nanoTime() - t0) / 1e9;
            long ok = store.runs().list("worker_throughput").stream().filter(r -> r.state() == DagRunState.SUCCESS).count();
            for (Process p : children) {
                p.destroy();
            }
            for (Process p : children) {
                p.waitFor();
            }
            int tasks = runs * 10;
            System.out.printf("worker throughput, %d runs x 10 no-op tasks, 2 schedulers (edge, 64 slots each), web server, "
                    + "2 workers x %d, max_active_runs 64, %s%n", runs, concurrency, BenchSupport.machine());
            System.out.printf("  %d tasks in %.2f s = %.0f tasks/s, %d runs succeeded%n", tasks, secs, tasks / secs, ok);

            claimCost(home, store, claims);
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }

    /** Times claims of one queued try each, then claims that find nothing; PostgreSQL's CPU from /proc. */
    private static void claimCost(Path home, Store store, int claims) {
        int perRun = 10;
        List<String> tasks = List.of("start", "end", "work_0", "work_1", "work_2", "work_3", "work_4", "work_5", "work_6", "work_7");
        List<NewDagRun> runs = BenchSupport.queuedRuns("worker_throughput", "claim_", (claims + perRun - 1) / perRun, Instant.parse("2030-01-01T00:00:00Z"));
        store.runs().createAll(runs);
        Map<RunKey, List<NewTask>> missing = new LinkedHashMap<>();
        List<Start> starts = new ArrayList<>();
        List<NewJob> jobs = new ArrayList<>();
        for (NewDagRun r : runs) {
            missing.put(new RunKey(r.dagId(), r.runId()), tasks.stream().map(t -> new NewTask(t, 1, "lambda")).toList());
            for (String t : tasks) {
                TaskKey k = new TaskKey(r.dagId(), r.runId(), t);
                starts.add(new Start(k, 1));
                jobs.add(new NewJob(k, 1, 1, "default", "0:bench", "{}"));
            }
        }
        Instant now = Instant.now();
        store.transact(tx -> {
            tx.taskInstances().createMissing(missing);
            tx.taskInstances().markRunning(starts, now, "bench", ProcessHandle.current().pid(), 0);
        });
        store.edge().enqueue(jobs.subList(0, claims), now);
        for (int i = 0; i < 200; i++) { // warm up the connection pool and the statement cache
            store.transaction(tx -> tx.edge().claim("bench", List.of("nothing"), 1, now));
        }
        Timed full = timed(home, claims, () -> {
            if (store.transaction(tx -> tx.edge().claim("bench", List.of("default"), 1, Instant.now())).size() != 1) {
                throw new IllegalStateException("a claim found no queued try: the bench queued too few");
            }
        });
        Timed empty = timed(home, claims, () -> store.transaction(tx -> tx.edge().claim("bench", List.of("default"), 1, Instant.now())));
        System.out.printf("  claim of 1 try (a transaction), %d in a loop: %.3f ms each, PostgreSQL CPU %.3f ms each "
                + "= %.0f claims/s per PostgreSQL core%n", claims, full.wallMs(), full.pgCpuMs(), 1000 / full.pgCpuMs());
        System.out.printf("  claim finding nothing (an idle worker's poll): %.3f ms each, PostgreSQL CPU %.3f ms each%n",
                empty.wallMs(), empty.pgCpuMs());
    }

    private record Timed(double wallMs, double pgCpuMs) {
    }

    private static Timed timed(Path home, int n, Runnable claim) {
        long cpu0 = postgresCpuTicks(home);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            claim.run();
        }
        double wall = (System.nanoTime() - t0) / 1e6 / n;
        double cpu = (postgresCpuTicks(home) - cpu0) * 10.0 / n; // clock ticks of 10 ms (USER_HZ 100)
        return new Timed(wall, cpu);
    }

    /**
     * User and system CPU, in clock ticks, of this bench's PostgreSQL: the postmaster named in
     * {@code GALE_HOME/postgres/postmaster.pid} and its children (other servers on the machine are not counted).
     */
    private static long postgresCpuTicks(Path home) {
        long postmaster;
        try {
            postmaster = Long.parseLong(Files.readAllLines(home.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long total = 0;
        List<Long> todo = new ArrayList<>(List.of(postmaster));
        while (!todo.isEmpty()) {
            long pid = todo.remove(todo.size() - 1);
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                try (var threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                    for (Path t : (Iterable<Path>) threads::iterator) {
                        for (String c : Files.readString(t.resolve("children")).split(" ")) {
                            if (!c.isBlank()) {
                                todo.add(Long.parseLong(c.strip()));
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended
            }
        }
        return total;
    }


    private static Process start(Path home, String name, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", System.getProperty("gale.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
        pb.environment().put("GALE_HOME", home.toString());
        pb.environment().put("GALE_HEARTBEAT", "1");
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(home.resolve(name + ".log").toFile()).start();
    }

    private static String output(Path home, String name) {
        try {
            return Files.readString(home.resolve(name + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(Duration timeout, String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
