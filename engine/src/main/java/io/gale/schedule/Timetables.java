package io.gale.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Builds timetables from DAG schedule definitions. */
public final class Timetables {

    private static final Map<String, String> CRON_PRESETS = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@quarterly", "0 0 1 */3 *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private static final String PRESET_NAMES =
            "@once, @hourly, @daily, @weekly, @monthly, @quarterly, @yearly, @annually or none";

    private Timetables() {
    }

    /**
     * Parses a schedule string for a DAG in {@code zone}: {@code null}, {@code "none"} or {@code "@none"}
     * (manual only), {@code "@once"}, a cron preset such as {@code "@daily"}, a Unix 5-field cron
     * expression, or a Quartz 6/7-field cron expression.
     *
     * @throws InvalidScheduleException if the schedule is not valid
     */
    public static Timetable parse(String schedule, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (schedule == null) {
            return new NullTimetable();
        }
        String trimmed = schedule.trim();
        if (trimmed.isEmpty()) {
            throw new InvalidScheduleException(schedule, "schedule is empty");
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.equals("none") || lower.equals("@none")) {
            return new NullTimetable();
        }
        if (lower.equals("@once")) {
            return new OnceTimetable();
        }
        return new CronTimetable(trimmed, zone);
    }

    /**
     * A fixed-interval timetable (Airflow's {@code DeltaDataIntervalTimetable}).
     *
     * @throws InvalidScheduleException if {@code interval} is zero or negative
     */
    public static Timetable every(Duration interval) {
        return new DeltaTimetable(interval);
    }

    /** Replaces a cron preset by its expression; other expressions are returned unchanged. */
    static String cronPreset(String expression) {
        if (!expression.startsWith("@")) {
            return expression;
        }
        String cron = CRON_PRESETS.get(expression.toLowerCase(Locale.ROOT));
        if (cron == null) {
            throw new InvalidScheduleException(expression, "unknown preset (expected " + PRESET_NAMES + ")");
        }
        return cron;
    }
}
