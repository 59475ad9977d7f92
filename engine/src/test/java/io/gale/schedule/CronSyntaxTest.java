package io.gale.schedule;

import static io.gale.schedule.Runs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronSyntaxTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    private static List<Instant> fires(String expression, String after, int count) {
        CronTimetable timetable = new CronTimetable(expression, UTC);
        List<Instant> fires = new ArrayList<>();
        Instant cursor = at(after);
        while (fires.size() < count) {
            Optional<Instant> next = timetable.nextFireTime(cursor);
            if (next.isEmpty()) {
                break;
            }
            fires.add(next.get());
            cursor = next.get();
        }
        return fires;
    }

    private static List<Instant> instants(String... values) {
        return List.of(values).stream().map(Instant::parse).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 9 * * SUN", "0 9 * * 0", "0 9 * * 7", "0 9 * * sun", "0 9 * * Sun"})
    void sundayHasSeveralSpellings(String expression) {
        assertThat(fires(expression, "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                "2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z", "2026-01-18T09:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 * * MON-FRI", "0 0 * * 1-5", "0 0 * * mon,tue,wed,thu,fri", "0 0 * * 1,2-4,FRI"})
    void weekdayRangesAndNames(String expression) {
        assertThat(fires(expression, "2026-01-02T00:00:00Z", 6)).isEqualTo(instants(
                "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z",
                "2026-01-08T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-12T00:00:00Z"));
    }

    @Test
    void weekdayRangeEndingOnSundayZero() {
        assertThat(fires("0 0 * * 5-0", "2026-01-01T00:00:00Z", 4)).isEqualTo(instants(
                "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"));
    }

    @Test
    void weekdayStepsAreCountedFromTheRangeStart() {
        assertThat(fires("0 0 * * 1-5/2", "2026-01-04T00:00:00Z", 4)).isEqualTo(instants(
                "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-12T00:00:00Z"));
    }

    @Test
    void minuteStepsListsAndRanges() {
        assertThat(fires("*/15 * * * *", "2026-01-01T10:07:00Z", 4)).isEqualTo(instants(
                "2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:45:00Z", "2026-01-01T11:00:00Z"));
        assertThat(fires("1-10/4 0 * * *", "2026-01-01T00:00:00Z", 4)).isEqualTo(instants(
                "2026-01-01T00:01:00Z", "2026-01-01T00:05:00Z", "2026-01-01T00:09:00Z", "2026-01-02T00:01:00Z"));
        assertThat(fires("5/20 * * * *", "2026-01-01T00:00:00Z", 4)).isEqualTo(instants(
                "2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:05:00Z"));
        assertThat(fires("0 8,17 * * *", "2026-01-01T09:00:00Z", 3)).isEqualTo(instants(
                "2026-01-01T17:00:00Z", "2026-01-02T08:00:00Z", "2026-01-02T17:00:00Z"));
    }

    @Test
    void monthNames() {
        assertThat(fires("0 0 1 JAN,jul *", "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                "2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"));
        assertThat(fires("0 0 1 */3 *", "2026-01-01T00:00:00Z", 2)).isEqualTo(instants(
                "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z"));
    }

    @Test
    void lastDayOfMonth() {
        assertThat(fires("0 0 L * *", "2026-01-01T00:00:00Z", 4)).isEqualTo(instants(
                "2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"));
        assertThat(fires("0 0 L 2 *", "2027-03-01T00:00:00Z", 1)).isEqualTo(instants("2028-02-29T00:00:00Z"));
        assertThat(fires("0 0 15,L * *", "2026-01-20T00:00:00Z", 3)).isEqualTo(instants(
                "2026-01-31T00:00:00Z", "2026-02-15T00:00:00Z", "2026-02-28T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 * * FRI#2", "0 0 * * 5#2", "0 0 * * fri#2"})
    void nthWeekdayOfMonth(String expression) {
        assertThat(fires(expression, "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                "2026-01-09T00:00:00Z", "2026-02-13T00:00:00Z", "2026-03-13T00:00:00Z"));
    }

    @Test
    void fifthWeekdaySkipsMonthsWithoutOne() {
        assertThat(fires("0 0 * * 5#5", "2026-01-01T00:00:00Z", 2)).isEqualTo(instants(
                "2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z"));
        assertThat(fires("0 0 * * 5#3", "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                "2026-01-16T00:00:00Z", "2026-02-20T00:00:00Z", "2026-03-20T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 * * 5L", "0 0 * * FRIL", "0 0 * * L5", "0 0 * * friL"})
    void lastWeekdayOfMonth(String expression) {
        assertThat(fires(expression, "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                "2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z"));
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekMatchEitherDay() {
        assertThat(fires("0 0 13 * FRI", "2026-04-01T00:00:00Z", 6)).isEqualTo(instants(
                "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z",
                "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z", "2026-05-01T00:00:00Z"));

        CronTimetable timetable = new CronTimetable("0 0 13 * FRI", UTC);
        assertThat(timetable.previousFireTime(at("2026-04-17T00:00:00Z"))).contains(at("2026-04-13T00:00:00Z"));
        assertThat(timetable.previousFireTime(at("2026-04-13T00:00:00Z"))).contains(at("2026-04-10T00:00:00Z"));
    }

    @Test
    void anUnrestrictedDayFieldDoesNotWidenTheOther() {
        assertThat(fires("0 0 13 * *", "2026-04-01T00:00:00Z", 2)).isEqualTo(instants(
                "2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z"));
        assertThat(fires("0 0 * * FRI", "2026-04-01T00:00:00Z", 2)).isEqualTo(instants(
                "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z"));
        assertThat(fires("0 0 13 * 0-6", "2026-04-01T00:00:00Z", 2)).isEqualTo(instants(
                "2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z"));
    }

    @Test
    void quartzSixFieldExpressionIsAccepted() {
        Timetable timetable = Timetables.parse("0 */5 * * * ?", UTC);

        assertThat(timetable.summary()).isEqualTo("0 */5 * * * ? (UTC)");
        assertThat(fires("0 */5 * * * ?", "2026-01-01T10:02:00Z", 2)).isEqualTo(instants(
                "2026-01-01T10:05:00Z", "2026-01-01T10:10:00Z"));
        assertThat(timetable.inferManualDataInterval(at("2026-01-01T10:07:00Z")))
                .isEqualTo(Runs.interval("2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z"));
    }

    @Test
    void quartzDayOfWeekNumbersStartAtSunday() {
        assertThat(fires("0 0 9 ? * 1", "2026-01-01T00:00:00Z", 1)).isEqualTo(instants("2026-01-04T09:00:00Z"));
        assertThat(fires("0 0 12 ? * MON-FRI", "2026-01-02T12:00:00Z", 2)).isEqualTo(instants(
                "2026-01-05T12:00:00Z", "2026-01-06T12:00:00Z"));
    }

    @Test
    void quartzSevenFieldExpressionWithAYearEnds() {
        assertThat(fires("0 0 0 1 1 ? 2030", "2026-01-01T00:00:00Z", 5)).isEqualTo(instants("2030-01-01T00:00:00Z"));
    }

    @Test
    void quartzHourlyExpressionStepsInAbsoluteTime() {
        Timetable timetable = new CronTimetable("0 0 * * * ?", ZoneId.of("America/New_York"));

        assertThat(Runs.catchup(timetable, "2026-11-01T05:00:00Z", 2)).containsExactly(
                Runs.interval("2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"),
                Runs.interval("2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "61 * * * *        | invalid schedule '61 * * * *': minute value 61 is out of range 0-59",
        "* * *             | invalid schedule '* * *': expected 5 fields",
        "@fortnightly      | invalid schedule '@fortnightly': unknown preset",
        "0 0 32 * *        | invalid schedule '0 0 32 * *': day-of-month value 32 is out of range 1-31",
        "MON * * * *       | invalid schedule 'MON * * * *': minute value 'MON' is not a number",
        "0 24 * * *        | hour value 24 is out of range 0-23",
        "0 0 0 * *         | day-of-month value 0 is out of range 1-31",
        "0 0 * 13 *        | month value 13 is out of range 1-12",
        "0 0 * FOO *       | month value 'FOO' is not a number or month name (JAN-DEC)",
        "0 0 * * 8         | day-of-week value 8 is out of range 0-7",
        "0 0 * * FUN       | day-of-week value 'FUN' is not a number or day name (SUN-SAT)",
        "0 0 * * L         | day-of-week value 'L' is not a number or day name (SUN-SAT)",
        "*/0 * * * *       | minute step '0' in '*/0' must be a positive integer",
        "5-1 * * * *       | minute range '5-1' is reversed",
        "-5 * * * *        | minute value '-5' is not a number",
        "0 0 1,,2 * *      | day-of-month field '1,,2' has an empty list item",
        "0 0 * * FRI#6     | day-of-week item 'FRI#6': occurrence '6' is not in 1-5",
        "0 0 31 2 *        | invalid schedule '0 0 31 2 *': it never fires",
        "0 0 * * * * * *   | expected 5 fields",
        "0 0 0 1 * MON     | invalid schedule '0 0 0 1 * MON': not a valid Quartz cron expression",
        "0 60 * * * ?      | not a valid Quartz cron expression",
    })
    void invalidExpressionsAreRejectedWithAOneLineMessage(String expression, String message) {
        assertThatThrownBy(() -> Timetables.parse(expression, UTC))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessageContaining(message)
                .hasMessageStartingWith("invalid schedule '" + expression + "': ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void exceptionExposesExpressionAndProblem() {
        assertThatThrownBy(() -> new CronTimetable("61 * * * *", UTC))
                .isInstanceOfSatisfying(InvalidScheduleException.class, e -> {
                    assertThat(e.expression()).isEqualTo("61 * * * *");
                    assertThat(e.problem()).isEqualTo("minute value 61 is out of range 0-59");
                    assertThat(e).isInstanceOf(IllegalArgumentException.class);
                });
    }
}
