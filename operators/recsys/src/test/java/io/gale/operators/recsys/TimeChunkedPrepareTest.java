package io.gale.operators.recsys;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.store.NewDagRun;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preprocess_base_data with a time column: each run sees the interactions before its data interval end. */
class TimeChunkedPrepareTest {

    @TempDir
    Path home;

    private static DagRun scheduled(Harness h, String day) {
        Instant start = Instant.parse(day + "T00:00:00Z");
        Instant end = start.plusSeconds(86_400);
        return h.store.runs().create(new NewDagRun("timed", RunType.SCHEDULED.runId(start), RunType.SCHEDULED, start, start,
                end, DagRunState.QUEUED, Map.of()));
    }

    private static int interactions(Harness h, DagRun run) {
        String json = h.client().xcoms("timed", run.runId(), "base", "return_value").get(0).json();
        return Integer.parseInt(json.replaceAll("(?s).*\"interactions\" ?: ?(\\d+).*", "$1"));
    }

    @Test
    void eachRunUsesTheDataBeforeItsIntervalEndOrAWindow() throws Exception {
        var dag = Dag.builder("timed").param("time_column", true).param("synthetic_users", 600)
                .param("synthetic_repositories", 300).param("min_user_items", 1).param("min_item_users", 1);
        dag.task("base", new PrepareInteractionsOperator()).then(dag.task("after", ctx -> "ran"));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun march = h.runToEnd(scheduled(h, "2025-03-01"));
            DagRun september = h.runToEnd(scheduled(h, "2025-09-01"));
            assertThat(h.states(march)).containsEntry("base", "success").containsEntry("after", "success");
            assertThat(interactions(h, march)).isPositive().isLessThan(interactions(h, september));
            assertThat(h.client().log("timed", march.runId(), "base", null))
                    .contains("interactions before 2025-03-02T00:00:00Z");

            DagRun windowed = h.runToEnd(h.store.runs().create(new NewDagRun("timed", "windowed", RunType.MANUAL,
                    Instant.parse("2025-09-01T12:00:00Z"), Instant.parse("2025-09-01T00:00:00Z"),
                    Instant.parse("2025-09-02T00:00:00Z"), DagRunState.QUEUED, Map.of("window_days", 30))));
            assertThat(interactions(h, windowed)).isPositive().isLessThan(interactions(h, september));

            DagRun before = h.runToEnd(scheduled(h, "2024-06-01"));
            assertThat(h.states(before)).containsEntry("base", "skipped").containsEntry("after", "skipped");
            assertThat(h.client().log("timed", before.runId(), "base", null))
                    .contains("no interactions before 2024-06-02T00:00:00Z (the data runs from 2025-");

            Instant day1 = Instant.parse("2025-01-01T00:00:00Z");
            DagRun tooEarly = h.runToEnd(h.store.runs().create(new NewDagRun("timed", "day1", RunType.MANUAL, day1, day1,
                    day1.plusSeconds(86_400), DagRunState.QUEUED, Map.of("min_user_items", 5))));
            assertThat(h.states(tooEarly)).containsEntry("base", "skipped").containsEntry("after", "skipped");
            assertThat(h.client().log("timed", tooEarly.runId(), "base", null))
                    .contains("no interactions left before 2025-01-02T00:00:00Z after the minimum-count filters");
        }
    }
}
