package io.gale.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.store.DagRepository;
import io.gale.store.DagRepository.Column;
import io.gale.store.DagRepository.Order;
import io.gale.store.DagRepository.Query;
import io.gale.store.NewDagRun;
import io.gale.store.StoredDag;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the DAG lists read: a page cut by the database, the latest runs of many DAGs at once, and the next run. */
class DagListQueriesTest {

    @TempDir
    Path home;

    private static Dag dag(String id, String... tags) {
        var b = Dag.builder(id).tags(tags);
        b.task("t", ctx -> 1);
        return b.build();
    }

    private static List<String> ids(DagRepository.Page p) {
        return p.dags().stream().map(StoredDag::dagId).toList();
    }

    @Test
    void filtersOrdersAndCutsInTheDatabase() {
        try (Harness h = new Harness(home, dag("alpha", "a", "b"), dag("beta_1", "b"), dag("beta21", "c"), dag("Gamma.x", "a"),
                dag("delta"))) {
            DagRepository dags = h.store.dags();
            dags.setPaused("beta_1", false);
            assertThat(ids(dags.page(new Query(List.of(), false, null, null, List.of(), 100, 0))))
                    .containsExactly("Gamma.x", "alpha", "beta21", "beta_1", "delta");
            DagRepository.Page two = dags.page(new Query(List.of(), false, null, null, List.of(new Order(Column.DAG_ID, true)), 2, 1));
            assertThat(ids(two)).containsExactly("beta_1", "beta21");
            assertThat(two.total()).isEqualTo(5);
            DagRepository.Page past = dags.page(new Query(List.of(), false, null, null, List.of(), 2, 10));
            assertThat(past.dags()).isEmpty();
            assertThat(past.total()).isEqualTo(5);

            assertThat(ids(dags.page(new Query(List.of("a", "b"), false, null, null, List.of(), 100, 0))))
                    .containsExactly("Gamma.x", "alpha", "beta_1");
            assertThat(ids(dags.page(new Query(List.of("a", "b"), true, null, null, List.of(), 100, 0)))).containsExactly("alpha");
            // LIKE: _ is any one character, % anything, case-insensitive, anywhere
            assertThat(ids(dags.page(new Query(List.of(), false, "BETA_", null, List.of(), 100, 0)))).containsExactly("beta21", "beta_1");
            assertThat(ids(dags.page(new Query(List.of(), false, "MA%X", null, List.of(), 100, 0)))).containsExactly("Gamma.x");
            assertThat(ids(dags.page(new Query(List.of(), false, null, false, List.of(), 100, 0)))).containsExactly("beta_1");
            assertThat(ids(dags.page(new Query(List.of(), false, null, null,
                    List.of(new Order(Column.IS_PAUSED, false), new Order(Column.DAG_ID, true)), 2, 0)))).containsExactly("beta_1", "delta");
        }
    }

    @Test
    void latestRunsComeInOneQueryNewestFirstAndTheNextRunFollowsTheLatestScheduledRun() {
        var daily = Dag.builder("daily").schedule("@daily").startDate(java.time.ZonedDateTime.parse("2025-12-28T00:00:00Z"));
        daily.task("t", ctx -> 1);
        try (Harness h = new Harness(home, daily.build(), dag("other"))) {
            Instant day = Instant.parse("2025-12-28T00:00:00Z"); // the harness's clock is at 2026-01-01
            for (int i = 0; i < 3; i++) {
                Instant at = day.plus(Duration.ofDays(i));
                h.store.runs().create(new NewDagRun("daily", RunType.SCHEDULED.runId(at), RunType.SCHEDULED, at, at,
                        at.plus(Duration.ofDays(1)), DagRunState.SUCCESS, Map.of()));
            }
            Map<String, List<DagRun>> latest = h.client().latestRuns(List.of("daily", "other", "unknown"), 2);
            assertThat(latest).containsOnlyKeys("daily");
            assertThat(latest.get("daily")).extracting(DagRun::logicalDate)
                    .containsExactly(day.plus(Duration.ofDays(2)), day.plus(Duration.ofDays(1)));

            Operations ops = h.client();
            StoredDag row = ops.dagRow("daily");
            assertThat(ops.nextRun(row)).isEqualTo(ops.nextRuns("daily", 1).stream().findFirst());
            assertThat(ops.nextRun(row).orElseThrow().dataInterval().start()).isEqualTo(day.plus(Duration.ofDays(3)));
            Instant fifth = day.plus(Duration.ofDays(3));
            h.store.runs().create(new NewDagRun("daily", RunType.SCHEDULED.runId(fifth), RunType.SCHEDULED, fifth, fifth,
                    fifth.plus(Duration.ofDays(1)), DagRunState.QUEUED, Map.of()));
            assertThat(ops.nextRun(row).orElseThrow().dataInterval().start()).as("a new latest run is seen at once")
                    .isEqualTo(day.plus(Duration.ofDays(4)));
            assertThat(ops.nextRun(row)).isEqualTo(ops.nextRuns("daily", 1).stream().findFirst());
            assertThat(ops.nextRun(ops.dagRow("other"))).isEmpty();
        }
    }
}
