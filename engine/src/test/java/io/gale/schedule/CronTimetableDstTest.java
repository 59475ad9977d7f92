package io.gale.schedule;

import static io.gale.schedule.Runs.at;
import static io.gale.schedule.Runs.catchup;
import static io.gale.schedule.Runs.interval;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTimetableDstTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

    @Test
    void dailyRunInsideTheSpringForwardGapMovesForwardByTheGap() {
        CronTimetable daily = new CronTimetable("30 2 * * *", NEW_YORK);

        assertThat(catchup(daily, "2026-03-06T07:30:00Z", 3)).containsExactly(
                interval("2026-03-06T07:30:00Z", "2026-03-07T07:30:00Z"),
                interval("2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z"), // 03:30 EDT
                interval("2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"));
    }

    @Test
    void dailyRunBeforeTheSpringForwardGapKeepsItsWallClockTime() {
        CronTimetable daily = new CronTimetable("30 1 * * *", NEW_YORK);

        assertThat(catchup(daily, "2026-03-07T06:30:00Z", 2)).containsExactly(
                interval("2026-03-07T06:30:00Z", "2026-03-08T06:30:00Z"),
                interval("2026-03-08T06:30:00Z", "2026-03-09T05:30:00Z"));
    }

    @Test
    void londonDailyInsideTheGapRunsAtTwoThirtyBritishSummerTime() {
        CronTimetable daily = new CronTimetable("30 1 * * *", LONDON);

        assertThat(catchup(daily, "2026-03-28T01:30:00Z", 2)).containsExactly(
                interval("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z"), // 02:30 BST
                interval("2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"));
    }

    @Test
    void londonDailyAfterTheGapIsAShortDay() {
        CronTimetable daily = new CronTimetable("30 2 * * *", LONDON);

        assertThat(catchup(daily, "2026-03-28T02:30:00Z", 2)).containsExactly(
                interval("2026-03-28T02:30:00Z", "2026-03-29T01:30:00Z"),
                interval("2026-03-29T01:30:00Z", "2026-03-30T01:30:00Z"));
    }

    @Test
    void dailyRunInTheRepeatedHourRunsOnceAtItsSecondOccurrence() {
        CronTimetable daily = new CronTimetable("30 1 * * *", NEW_YORK);

        assertThat(catchup(daily, "2026-10-31T05:30:00Z", 2)).containsExactly(
                interval("2026-10-31T05:30:00Z", "2026-11-01T06:30:00Z"), // 01:30 EST
                interval("2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"));
    }

    @Test
    void londonDailyInTheRepeatedHourRunsOnceAtItsSecondOccurrence() {
        CronTimetable daily = new CronTimetable("30 1 * * *", LONDON);

        assertThat(catchup(daily, "2026-10-24T00:30:00Z", 2)).containsExactly(
                interval("2026-10-24T00:30:00Z", "2026-10-25T01:30:00Z"), // 01:30 GMT
                interval("2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z"));
    }

    @ParameterizedTest
    @CsvSource({
        "America/New_York, 2026-11-01, 25",
        "America/New_York, 2026-03-08, 23",
        "America/New_York, 2026-06-15, 24",
        "Europe/London, 2026-10-25, 25",
        "Europe/London, 2026-03-29, 23",
        "Asia/Seoul, 2026-03-08, 24",
    })
    void hourlyRunsFollowAbsoluteTime(String zone, String day, int expected) {
        ZoneId zoneId = ZoneId.of(zone);
        LocalDate date = LocalDate.parse(day);
        CronTimetable hourly = new CronTimetable("@hourly", zoneId);
        Instant start = date.minusDays(1).atStartOfDay(zoneId).toInstant();

        List<DataInterval> runs = catchup(hourly, start.toString(), 60);

        List<DataInterval> onDay = runs.stream()
                .filter(run -> run.start().atZone(zoneId).toLocalDate().equals(date))
                .toList();
        assertThat(onDay).hasSize(expected);
        assertThat(onDay).allSatisfy(run -> assertThat(Duration.between(run.start(), run.end()))
                .isEqualTo(Duration.ofHours(1)));
    }

    @Test
    void hourlyRunsTheRepeatedHourTwice() {
        CronTimetable hourly = new CronTimetable("0 * * * *", NEW_YORK);

        assertThat(catchup(hourly, "2026-11-01T04:00:00Z", 4)).containsExactly(
                interval("2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z"),  // 00:00 EDT
                interval("2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"),  // 01:00 EDT
                interval("2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"),  // 01:00 EST
                interval("2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z")); // 02:00 EST
    }

    @Test
    void everyThirtyMinutesAcrossFallBackRunsBothOccurrences() {
        CronTimetable halfHourly = new CronTimetable("*/30 * * * *", NEW_YORK);

        List<String> local = catchup(halfHourly, "2026-11-01T04:30:00Z", 6).stream()
                .map(run -> run.start().atZone(NEW_YORK).toOffsetDateTime().toString())
                .toList();

        assertThat(local).containsExactly(
                "2026-11-01T00:30-04:00",
                "2026-11-01T01:00-04:00",
                "2026-11-01T01:30-04:00",
                "2026-11-01T01:00-05:00",
                "2026-11-01T01:30-05:00",
                "2026-11-01T02:00-05:00");
    }

    @Test
    void everyThirtyMinutesAcrossSpringForwardSkipsTheGap() {
        CronTimetable halfHourly = new CronTimetable("*/30 * * * *", NEW_YORK);

        assertThat(catchup(halfHourly, "2026-03-08T06:00:00Z", 3)).containsExactly(
                interval("2026-03-08T06:00:00Z", "2026-03-08T06:30:00Z"),  // 01:00 EST
                interval("2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z"),  // 01:30 EST -> 03:00 EDT
                interval("2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"));
    }

    @Test
    void seoulHourlyAlignsAnOffScheduleStartDateForward() {
        CronTimetable hourly = new CronTimetable("@hourly", SEOUL);
        Instant startDate = ZonedDateTime.of(2022, 6, 2, 22, 30, 0, 0, SEOUL).toInstant(); // 13:30Z

        Optional<DagRunInfo> first = hourly.nextDagRunInfo(null, new TimeRestriction(startDate, null, true), null);

        assertThat(first).contains(new DagRunInfo(at("2022-06-02T15:00:00Z"),
                interval("2022-06-02T14:00:00Z", "2022-06-02T15:00:00Z"))); // [23:00, 00:00) KST
    }

    @Test
    void seoulHourlyWithoutCatchupRunsTheLatestCompleteInterval() {
        CronTimetable hourly = new CronTimetable("@hourly", SEOUL);
        Instant startDate = at("2022-06-02T13:30:00Z");

        assertThat(hourly.nextDagRunInfo(null, new TimeRestriction(startDate, null, false),
                at("2022-06-02T15:10:00Z")).map(DagRunInfo::dataInterval))
                .contains(interval("2022-06-02T14:00:00Z", "2022-06-02T15:00:00Z"));
        assertThat(hourly.nextDagRunInfo(null, new TimeRestriction(startDate, null, false),
                at("2022-06-02T18:00:00Z")).map(DagRunInfo::dataInterval))
                .contains(interval("2022-06-02T17:00:00Z", "2022-06-02T18:00:00Z"));
    }

    @Test
    void nextAndPreviousFireTimesAgreeAroundTransitions() {
        List<String> schedules = List.of("30 2 * * *", "30 1 * * *", "0 * * * *", "*/30 * * * *", "0 1,2 * * *",
                "15 * * * 1-5", "0 */2 * * *", "0 0 13 * FRI", "45 1 * * 0", "0 0 */5 * * ?");
        List<ZoneId> zones = List.of(NEW_YORK, LONDON, SEOUL, ZoneId.of("UTC"),
                ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Apia"));
        Random random = new Random(42);
        for (ZoneId zone : zones) {
            List<Instant> samples = samplesAroundTransitions(zone, random);
            for (String schedule : schedules) {
                CronTimetable timetable = new CronTimetable(schedule, zone);
                for (Instant t : samples) {
                    Instant next = timetable.nextFireTime(t).orElseThrow();
                    Instant previousOfNext = timetable.previousFireTime(next).orElseThrow();
                    String where = schedule + " in " + zone + " at " + t;
                    assertThat(next).as(where).isAfter(t);
                    assertThat(previousOfNext).as(where).isBeforeOrEqualTo(t);
                    assertThat(timetable.nextFireTime(previousOfNext)).as(where).contains(next);

                    Instant previous = timetable.previousFireTime(t).orElseThrow();
                    assertThat(previous).as(where).isBefore(t);
                    assertThat(timetable.nextFireTime(previous).orElseThrow()).as(where).isAfterOrEqualTo(t);
                }
            }
        }
    }

    private static List<Instant> samplesAroundTransitions(ZoneId zone, Random random) {
        List<Instant> samples = new ArrayList<>();
        Instant cursor = at("2011-01-01T00:00:00Z");
        for (int i = 0; i < 4; i++) {
            ZoneOffsetTransition transition = zone.getRules().nextTransition(cursor);
            Instant centre = transition == null ? at("2026-03-08T07:00:00Z") : transition.getInstant();
            for (int j = 0; j < 25; j++) {
                samples.add(centre.plusSeconds(random.nextInt(4 * 86_400) - 2 * 86_400));
            }
            samples.add(centre);
            cursor = transition == null ? centre : centre.plus(Duration.ofDays(200));
        }
        return samples;
    }
}
