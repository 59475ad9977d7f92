package io.gale.bench;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.TaskInstance;
import io.gale.store.DagRunRepository.Scope;
import java.util.HashMap;
import java.util.Map;

/**
 * Latency from an upstream task's success to its downstream task's start, over a chain of 200
 * no-op tasks, store on the embedded PostgreSQL with fsync on ({@code [TASKS [WARMUP_CHAINS]]}, default 200
 * tasks, no warm-up). Target: p50 <= 2 ms, p99 <= 10 ms.
 */
public final class LatencyBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        var b = Dag.builder("latency_chain");
        var prev = b.task("t0", ctx -> null);
        for (int i = 1; i < n; i++) {
            prev = prev.then(b.task("t" + i, ctx -> null));
        }
        try (BenchSupport s = new BenchSupport(4, b.build())) {
            for (int i = 0; i < warmup; i++) {
                // a long-running scheduler has compiled its hot paths: run the chain first, untimed
                String id = "warmup_" + i;
                s.client.trigger("latency_chain", Map.of(), id, java.time.Instant.parse("2010-01-01T00:00:00Z").plusSeconds(60L * i));
                s.runUntil(Scope.ALL, false, () -> s.client.run("latency_chain", id).state().finished());
            }
            DagRun run = s.client.trigger("latency_chain", Map.of(), "bench", null);
            double secs = s.runUntil(Scope.ALL, false,
                    () -> s.client.run("latency_chain", "bench").state().finished());
            Map<String, TaskInstance> tis = new HashMap<>();
            s.client.taskStates("latency_chain", run.runId()).forEach(t -> tis.put(t.taskId(), t));
            double[] gaps = new double[n - 1];
            for (int i = 1; i < n; i++) {
                gaps[i - 1] = java.time.Duration.between(tis.get("t" + (i - 1)).endDate(), tis.get("t" + i).startDate()).toNanos() / 1e6;
            }
            double p50 = BenchSupport.percentile(gaps, 50);
            double p99 = BenchSupport.percentile(gaps, 99);
            System.out.printf("latency (upstream success -> downstream start), %d-task chain, %sembedded PostgreSQL fsync on, %s%n",
                    n, warmup > 0 ? "after " + warmup + " chains of warm-up, " : "", BenchSupport.machine());
            System.out.printf("  p50 %.2f ms (target 2 ms: %.2fx of target), p99 %.2f ms (target 10 ms: %.2fx), run took %.2f s, state %s%n",
                    p50, p50 / 2, p99, p99 / 10, secs, s.client.run("latency_chain", "bench").state().id());
        }
    }
}
