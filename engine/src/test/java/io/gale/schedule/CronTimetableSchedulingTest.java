package io.gale.schedule;

import static io.gale.schedule.Runs.at;
import static io.gale.schedule.Runs.interval;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTimetableSchedulingTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private final CronTimetable daily = new CronTimetable("@daily", UTC);

    @Test
    void catchupCreatesEveryMissedIntervalBackToBack() {
        List<DagRunInfo> runs = Runs.first(4, daily,
                new TimeRestriction(at("2026-01-01T00:00:00Z"), null, true), at("2026-01-10T12:00:00Z"));

        assertThat(runs).containsExactly(
                new DagRunInfo(at("2026-01-02T00:00:00Z"), interval("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")),
                new DagRunInfo(at("2026-01-03T00:00:00Z"), interval("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")),
                new DagRunInfo(at("2026-01-04T00:00:00Z"), interval("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z")),
                new DagRunInfo(at("2026-01-05T00:00:00Z"), interval("2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z")));
        assertThat(runs.get(0).logicalDate()).isEqualTo(at("2026-01-01T00:00:00Z"));
    }

    @Test
    void catchupHourlyHasNoGaps() {
        CronTimetable hourly = new CronTimetable("0 * * * *", NEW_YORK);
        List<DataInterval> runs = Runs.catchup(hourly, "2026-03-01T00:00:00Z", 24 * 40);

        assertThat(runs).hasSize(24 * 40);
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i).start()).isEqualTo(runs.get(i - 1).end());
            assertThat(runs.get(i).end()).isEqualTo(runs.get(i).start().plusSeconds(3600));
        }
    }

    @Test
    void catchupAlignsAnOffScheduleStartDateForward() {
        assertThat(Runs.catchup(daily, "2026-01-01T10:00:00Z", 1))
                .containsExactly(interval("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"));
    }

    @Test
    void withoutCatchupOnlyTheLatestCompleteIntervalRuns() {
        TimeRestriction noCatchup = new TimeRestriction(at("2026-01-01T00:00:00Z"), null, false);
        Instant now = at("2026-01-10T12:00:00Z");

        DagRunInfo first = daily.nextDagRunInfo(null, noCatchup, now).orElseThrow();
        assertThat(first).isEqualTo(
                new DagRunInfo(at("2026-01-10T00:00:00Z"), interval("2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z")));

        DagRunInfo second = daily.nextDagRunInfo(first.dataInterval(), noCatchup, now).orElseThrow();
        assertThat(second).isEqualTo(
                new DagRunInfo(at("2026-01-11T00:00:00Z"), interval("2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z")));
    }

    @Test
    void withoutCatchupAnIntervalEndingExactlyNowIsComplete() {
        TimeRestriction noCatchup = new TimeRestriction(at("2026-01-01T00:00:00Z"), null, false);

        assertThat(daily.nextDagRunInfo(null, noCatchup, at("2026-01-10T00:00:00Z")).map(DagRunInfo::dataInterval))
                .contains(interval("2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z"));
    }

    @Test
    void withoutCatchupAnOldLastRunIsSkippedPast() {
        TimeRestriction noCatchup = new TimeRestriction(at("2026-01-01T00:00:00Z"), null, false);

        assertThat(daily.nextDagRunInfo(interval("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"), noCatchup,
                at("2026-01-10T12:00:00Z")).map(DagRunInfo::dataInterval))
                .contains(interval("2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z"));
    }

    @Test
    void withoutCatchupAFutureStartDateWins() {
        TimeRestriction noCatchup = new TimeRestriction(at("2026-02-01T05:00:00Z"), null, false);

        assertThat(daily.nextDagRunInfo(null, noCatchup, at("2026-01-10T12:00:00Z")).map(DagRunInfo::dataInterval))
                .contains(interval("2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z"));
    }

    @Test
    void withoutCatchupOrStartDateTheLatestCompleteIntervalRuns() {
        assertThat(daily.nextDagRunInfo(null, new TimeRestriction(null, null, false), at("2026-01-10T12:00:00Z"))
                .map(DagRunInfo::dataInterval))
                .contains(interval("2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z"));
    }

    @Test
    void withCatchupButNoStartDateNothingRuns() {
        assertThat(daily.nextDagRunInfo(null, new TimeRestriction(null, null, true), at("2026-01-10T12:00:00Z")))
                .isEmpty();
    }

    @Test
    void endDateIsRespected() {
        TimeRestriction restriction = new TimeRestriction(at("2026-01-01T00:00:00Z"), at("2026-01-03T00:00:00Z"), true);

        assertThat(Runs.intervals(Runs.first(10, daily, restriction, at("2026-02-01T00:00:00Z")))).containsExactly(
                interval("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
                interval("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"),
                interval("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"));

        TimeRestriction midDay = new TimeRestriction(at("2026-01-01T00:00:00Z"), at("2026-01-02T12:00:00Z"), true);
        assertThat(Runs.first(10, daily, midDay, at("2026-02-01T00:00:00Z"))).hasSize(2);
    }

    @Test
    void aLastIntervalOffTheScheduleIsAlignedBack() {
        assertThat(daily.nextDagRunInfo(interval("2026-01-04T12:00:00Z", "2026-01-05T12:00:00Z"),
                new TimeRestriction(null, null, true), null).map(DagRunInfo::dataInterval))
                .contains(interval("2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"));
    }

    @Test
    void manualRunsCoverTheLatestCompleteInterval() {
        assertThat(daily.inferManualDataInterval(at("2026-01-05T13:00:00Z")))
                .isEqualTo(interval("2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z"));
        assertThat(daily.inferManualDataInterval(at("2026-01-05T00:00:00Z")))
                .isEqualTo(interval("2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z"));

        CronTimetable newYork = new CronTimetable("30 2 * * *", NEW_YORK);
        assertThat(newYork.inferManualDataInterval(at("2026-03-09T12:00:00Z")))
                .isEqualTo(interval("2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"));

        CronTimetable hourly = new CronTimetable("@hourly", NEW_YORK);
        assertThat(hourly.inferManualDataInterval(at("2026-11-01T06:30:00Z")))
                .isEqualTo(interval("2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"));
    }

    @Test
    void summaryAndIdentity() {
        assertThat(new CronTimetable("30 2 * * *", NEW_YORK).summary()).isEqualTo("30 2 * * * (America/New_York)");
        assertThat(daily.summary()).isEqualTo("0 0 * * * (UTC)");
        assertThat(daily.expression()).isEqualTo("0 0 * * *");
        assertThat(daily).isEqualTo(new CronTimetable("0 0 * * *", UTC));
        assertThat(daily.manualOnly()).isFalse();
    }
}
