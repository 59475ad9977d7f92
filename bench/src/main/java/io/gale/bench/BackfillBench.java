package io.gale.bench;

import io.gale.api.Dag;
import io.gale.client.Backfills;
import io.gale.store.DagRunRepository.Scope;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/** Backfill of one year of @hourly runs (8,760) of a 3-task no-op DAG. Target <= 15 s. */
public final class BackfillBench {

    public static void main(String[] args) throws Exception {
        var b = Dag.builder("hourly_backfill").schedule("@hourly").catchup(false).maxActiveRuns(64).maxActiveTasks(64)
                .startDate(ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")));
        b.task("extract", ctx -> null).then(b.task("transform", ctx -> null)).then(b.task("load", ctx -> null));
        try (BenchSupport s = new BenchSupport(64, b.build())) {
            var dag = s.client.schedulable("hourly_backfill");
            long t0 = System.nanoTime();
            var plan = s.client.backfills().plan(dag, new Backfills.Request("hourly_backfill",
                    Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-12-31T23:00:00Z"), false, false, false, Map.of(), 64));
            long id = s.client.backfills().start(dag, plan);
            double recordSecs = (System.nanoTime() - t0) / 1e9;
            double runSecs = s.runUntil(Scope.backfill(id), false,
                    () -> s.client.store().backfills().find(id).orElseThrow().state() == io.gale.core.BackfillState.COMPLETED);
            var p = s.client.store().backfills().progress(id);
            double total = recordSecs + runSecs;
            System.out.printf("backfill, %d @hourly runs x 3 no-op tasks, max 64 runs and 64 tasks at once, 64 executor threads, %s%n",
                    plan.total(), BenchSupport.machine());
            System.out.printf("  recorded in %.2f s, executed in %.2f s, total %.2f s (target 15 s: %.2fx of target); %d succeeded, %d failed%n",
                    recordSecs, runSecs, total, total / 15, p.success(), p.failed());
        }
    }
}
