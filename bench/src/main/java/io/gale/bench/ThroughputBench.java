package io.gale.bench;

import io.gale.api.Dag;
import io.gale.core.DagRunState;
import io.gale.store.DagRunRepository.Scope;
import java.time.Instant;

/**
 * No-op tasks end to end: 1,000 DAG runs x 10 tasks ({@code [RUNS [SLOTS [WARMUP_RUNS]]]}, default 1,000 runs,
 * 64 executor slots, no warm-up). Target >= 5,000 tasks/s on 2 cores.
 */
public final class ThroughputBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int slots = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        var b = Dag.builder("throughput").maxActiveRuns(64).maxActiveTasks(256);
        var first = b.task("start", ctx -> null);
        var end = b.task("end", ctx -> null);
        for (int i = 0; i < 8; i++) {
            first.then(b.task("work_" + i, ctx -> null)).then(end);
        }
        try (BenchSupport s = new BenchSupport(slots, b.build())) {
            if (warmup > 0) {
                // a long-running scheduler has compiled its hot paths: run some first, untimed
                s.client.store().runs().createAll(BenchSupport.queuedRuns("throughput", "warmup_", warmup, Instant.parse("2010-01-01T00:00:00Z")));
                s.runUntil(Scope.ALL, false, () -> s.client.store().runs().countActive("throughput") == 0);
            }
            s.client.store().runs().createAll(BenchSupport.queuedRuns("throughput", "run_", runs, Instant.parse("2020-01-01T00:00:00Z")));
            double secs = s.runUntil(Scope.ALL, false,
                    () -> s.client.store().runs().countActive("throughput") == 0);
            long ok = s.client.store().runs().list("throughput").stream()
                    .filter(r -> r.runId().startsWith("run_") && r.state() == DagRunState.SUCCESS).count();
            int tasks = runs * 10;
            System.out.printf("throughput, %d runs x 10 no-op tasks, %d executor slots, max_active_runs 64, %s%n", runs, slots,
                    (warmup > 0 ? "after " + warmup + " runs of warm-up, " : "") + BenchSupport.machine());
            System.out.printf("  %d tasks in %.2f s = %.0f tasks/s (target 5,000: %.2fx), %d runs succeeded%n",
                    tasks, secs, tasks / secs, tasks / secs / 5000, ok);
        }
    }

}
