package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.RunType;
import io.gale.store.DagRunRepository.Scope;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler creates runs from the timetable: catchup, pause, end date, alignment (settable clock). */
class RunCreationTest {

    @TempDir
    Path home;

    private static Dag daily(String id, boolean catchup) {
        var dag = Dag.builder(id).schedule("@daily").catchup(catchup)
                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")))
                .endDate(ZonedDateTime.of(2026, 1, 10, 0, 0, 0, 0, ZoneId.of("UTC")));
        dag.task("t", ctx -> ctx.dataIntervalStart().toString());
        return dag.build();
    }

    /** Runs the creating scheduler until nothing changes any more. */
    private static List<DagRun> settle(Harness h, Scheduler s, String dagId) throws Exception {
        for (int i = 0; i < 200; i++) {
            boolean progressed = s.runOnce(Scope.ALL, Duration.ofMillis(20));
            if (!progressed && h.executor.running() == 0
                    && h.store.runs().list(dagId).stream().allMatch(r -> r.state().finished())) {
                break;
            }
        }
        return h.store.runs().list(dagId).stream().sorted(Comparator.comparing(DagRun::logicalDate)).toList();
    }

    @Test
    void catchupCreatesEveryMissedIntervalExactlyOnce() throws Exception {
        try (Harness h = new Harness(home, daily("catchup_on", true));
             Scheduler s = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults())) {
            h.clock.set(Instant.parse("2026-01-05T01:00:00Z"));
            h.client().setPaused("catchup_on", false);
            s.refreshNextRuns();
            List<DagRun> runs = settle(h, s, "catchup_on");
            assertThat(runs).extracting(r -> r.logicalDate().toString()).containsExactly(
                    "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z");
            for (DagRun r : runs) {
                assertThat(r.runType()).isEqualTo(RunType.SCHEDULED);
                assertThat(r.runId()).isEqualTo("scheduled__" + r.logicalDate().toString().replace("Z", "+00:00"));
                assertThat(r.dataIntervalEnd()).isEqualTo(r.dataIntervalStart().plus(Duration.ofDays(1)));
                assertThat(r.state().id()).isEqualTo("success");
            }
            // a restart (a new scheduler) creates nothing twice
            try (Scheduler again = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults())) {
                again.refreshNextRuns();
                assertThat(settle(h, again, "catchup_on")).hasSize(4);
            }
            // time passes: the next interval, and no run past the end date
            h.clock.set(Instant.parse("2026-02-01T00:00:00Z"));
            List<DagRun> all = settle(h, s, "catchup_on");
            assertThat(all).hasSize(10);
            assertThat(all.get(9).logicalDate()).isEqualTo(Instant.parse("2026-01-10T00:00:00Z"));
        }
    }

    @Test
    void withoutCatchupOnlyTheLatestCompleteInterval() throws Exception {
        try (Harness h = new Harness(home, daily("catchup_off", false));
             Scheduler s = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults())) {
            h.clock.set(Instant.parse("2026-01-05T01:00:00Z"));
            h.client().setPaused("catchup_off", false);
            s.refreshNextRuns();
            assertThat(settle(h, s, "catchup_off")).extracting(r -> r.logicalDate().toString())
                    .containsExactly("2026-01-04T00:00:00Z");
            h.clock.set(Instant.parse("2026-01-06T00:00:00Z"));
            assertThat(settle(h, s, "catchup_off")).extracting(r -> r.logicalDate().toString())
                    .containsExactly("2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z");
        }
    }

    @Test
    void aPausedDagCreatesNoRunsAndItsTriggeredRunsWait() throws Exception {
        try (Harness h = new Harness(home, daily("paused", true));
             Scheduler s = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults())) {
            h.clock.set(Instant.parse("2026-01-05T01:00:00Z"));
            s.refreshNextRuns();
            DagRun manual = h.client().trigger("paused", Map.of(), "by_hand", null);
            for (int i = 0; i < 5; i++) {
                s.runOnce(Scope.ALL, Duration.ofMillis(10));
            }
            assertThat(h.store.runs().list("paused")).extracting(DagRun::runId).containsExactly("by_hand");
            assertThat(h.store.runs().find("paused", "by_hand").orElseThrow().state().id()).isEqualTo("queued");
            h.client().setPaused("paused", false);
            List<DagRun> runs = settle(h, s, "paused");
            assertThat(runs).hasSize(5);
            assertThat(runs).allMatch(r -> r.state().id().equals("success"));
            assertThat(h.store.runs().find("paused", manual.runId()).orElseThrow().runType()).isEqualTo(RunType.MANUAL);
        }
    }

    @Test
    void startDateIsAlignedForwardInTheDagsTimezone() throws Exception {
        var dag = Dag.builder("seoul").schedule("@hourly").catchup(true)
                .startDate(ZonedDateTime.of(2022, 6, 2, 22, 30, 0, 0, ZoneId.of("Asia/Seoul")));
        dag.task("t", ctx -> ctx.dataIntervalStartLocal().toString() + " " + ctx.dataIntervalEndLocal());
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults())) {
            h.clock.set(Instant.parse("2022-06-02T16:30:00Z")); // 01:30 KST on June 3
            h.client().setPaused("seoul", false);
            s.refreshNextRuns();
            List<DagRun> runs = settle(h, s, "seoul");
            assertThat(runs).extracting(r -> r.logicalDate().atZone(ZoneId.of("Asia/Seoul")).toLocalTime().toString())
                    .containsExactly("23:00", "00:00");
            assertThat(h.client().xcoms("seoul", runs.get(0).runId(), "t", "return_value").get(0).json())
                    .isEqualTo("\"2022-06-02T23:00+09:00[Asia/Seoul] 2022-06-03T00:00+09:00[Asia/Seoul]\"");
        }
    }

    @Test
    void maxActiveRunsHoldsBackRunCreation() throws Exception {
        var dag = Dag.builder("one_at_a_time").schedule("@daily").maxActiveRuns(1).catchup(true)
                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")));
        dag.task("t", ctx -> null);
        try (Harness h = new Harness(home, dag.build());
             Scheduler s = h.engine().newScheduler(h.executor, Scheduler.Settings.defaults())) {
            h.clock.set(Instant.parse("2026-01-04T00:00:00Z"));
            h.client().setPaused("one_at_a_time", false);
            s.refreshNextRuns();
            s.runOnce(Scope.ALL, Duration.ofMillis(10));
            s.runOnce(Scope.ALL, Duration.ofMillis(10));
            assertThat(h.store.runs().list("one_at_a_time").stream().filter(r -> !r.state().finished()).count()).isLessThanOrEqualTo(1);
            assertThat(settle(h, s, "one_at_a_time")).hasSize(3);
        }
    }
}
