package io.gale.schedule;

import static io.gale.schedule.Runs.at;
import static io.gale.schedule.Runs.interval;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OtherTimetablesTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private final Timetable hourly = Timetables.every(Duration.ofHours(1));

    @Test
    void deltaStartsExactlyAtTheStartDateWithCatchup() {
        assertThat(Runs.catchup(hourly, "2026-01-01T00:17:00Z", 3)).containsExactly(
                interval("2026-01-01T00:17:00Z", "2026-01-01T01:17:00Z"),
                interval("2026-01-01T01:17:00Z", "2026-01-01T02:17:00Z"),
                interval("2026-01-01T02:17:00Z", "2026-01-01T03:17:00Z"));
    }

    @Test
    void deltaWithoutCatchupRunsTheIntervalEndingNow() {
        TimeRestriction noCatchup = new TimeRestriction(at("2026-01-01T00:17:00Z"), null, false);
        Instant now = at("2026-01-05T10:00:00Z");

        assertThat(hourly.nextDagRunInfo(null, noCatchup, now)).contains(
                new DagRunInfo(now, interval("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z")));
        assertThat(hourly.nextDagRunInfo(interval("2026-01-01T00:17:00Z", "2026-01-01T01:17:00Z"), noCatchup, now)
                .map(DagRunInfo::dataInterval)).contains(interval("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z"));
        assertThat(hourly.nextDagRunInfo(null, new TimeRestriction(at("2026-01-06T00:00:00Z"), null, false), now)
                .map(DagRunInfo::dataInterval)).contains(interval("2026-01-06T00:00:00Z", "2026-01-06T01:00:00Z"));
    }

    @Test
    void deltaRespectsEndDateAndNeedsAStartDate() {
        TimeRestriction restriction = new TimeRestriction(at("2026-01-01T00:00:00Z"), at("2026-01-01T01:00:00Z"), true);

        assertThat(Runs.first(5, hourly, restriction, null)).hasSize(2);
        assertThat(hourly.nextDagRunInfo(null, new TimeRestriction(null, null, true), null)).isEmpty();
    }

    @Test
    void deltaManualRunCoversOneIntervalBeforeIt() {
        assertThat(hourly.inferManualDataInterval(at("2026-01-01T10:30:00Z")))
                .isEqualTo(interval("2026-01-01T09:30:00Z", "2026-01-01T10:30:00Z"));
        assertThat(hourly.summary()).isEqualTo("PT1H");
    }

    @Test
    void deltaStepsInAbsoluteTimeAcrossDaylightSaving() {
        assertThat(Runs.catchup(Timetables.every(Duration.ofDays(1)), "2026-03-07T07:30:00Z", 2)).containsExactly(
                interval("2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z"),
                interval("2026-03-08T07:30:00Z", "2026-03-09T07:30:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "-PT1H"})
    void deltaRejectsEmptyAndNegativeIntervals(String interval) {
        assertThatThrownBy(() -> Timetables.every(Duration.parse(interval)))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessage("invalid schedule '" + Duration.parse(interval) + "': interval must be positive");
    }

    @Test
    void onceRunsAtTheStartDateOnly() {
        Timetable once = Timetables.parse("@once", UTC);
        Instant start = at("2026-01-01T08:00:00Z");

        assertThat(once.nextDagRunInfo(null, new TimeRestriction(start, null, false), at("2026-06-01T00:00:00Z")))
                .contains(new DagRunInfo(start, new DataInterval(start, start)));
        assertThat(once.nextDagRunInfo(DataInterval.exact(start), new TimeRestriction(start, null, true), null))
                .isEmpty();
        assertThat(once.nextDagRunInfo(null, new TimeRestriction(null, null, true), null)).isEmpty();
        assertThat(once.nextDagRunInfo(null, new TimeRestriction(start, start.minusSeconds(1), true), null)).isEmpty();
        assertThat(once.inferManualDataInterval(start)).isEqualTo(DataInterval.exact(start));
        assertThat(once.summary()).isEqualTo("@once");
        assertThat(once.manualOnly()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "@none", "NONE", " None "})
    void noneIsManualOnly(String schedule) {
        Timetable none = Timetables.parse(schedule, UTC);

        assertThat(none).isInstanceOf(NullTimetable.class);
        assertThat(none.manualOnly()).isTrue();
        assertThat(none.nextDagRunInfo(null, new TimeRestriction(at("2026-01-01T00:00:00Z"), null, true), null))
                .isEmpty();
        assertThat(none.inferManualDataInterval(at("2026-01-02T00:00:00Z")))
                .isEqualTo(DataInterval.exact(at("2026-01-02T00:00:00Z")));
        assertThat(none.summary()).isEqualTo("None");
    }

    @Test
    void nullScheduleIsManualOnly() {
        assertThat(Timetables.parse(null, UTC)).isEqualTo(new NullTimetable());
    }

    @ParameterizedTest
    @CsvSource({
        "@hourly, 0 * * * *",
        "@daily, 0 0 * * *",
        "@weekly, 0 0 * * 0",
        "@monthly, 0 0 1 * *",
        "@quarterly, 0 0 1 */3 *",
        "@yearly, 0 0 1 1 *",
        "@annually, 0 0 1 1 *",
        "@DAILY, 0 0 * * *",
    })
    void presetsExpandToCron(String preset, String cron) {
        assertThat(Timetables.parse(preset, UTC)).isEqualTo(new CronTimetable(cron, UTC));
    }

    @Test
    void presetsFireWhereExpected() {
        assertThat(Runs.catchup(Timetables.parse("@quarterly", UTC), "2026-01-01T00:00:00Z", 2)).containsExactly(
                interval("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"),
                interval("2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z"));
        assertThat(Runs.catchup(Timetables.parse("@weekly", UTC), "2026-01-01T00:00:00Z", 1)).containsExactly(
                interval("2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"));
    }

    @Test
    void blankScheduleIsRejected() {
        assertThatThrownBy(() -> Timetables.parse("  ", UTC))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessage("invalid schedule '  ': schedule is empty");
    }

    @Test
    void dataIntervalsCannotRunBackwards() {
        assertThatThrownBy(() -> interval("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
