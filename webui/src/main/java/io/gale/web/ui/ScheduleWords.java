package io.gale.web.ui;

import java.util.Locale;
import java.util.Map;

/** A DAG's schedule in words, for people: presets, common cron shapes, intervals. */
public final class ScheduleWords {

    private static final Map<String, String> PRESETS = Map.of(
            "@once", "once", "@hourly", "every hour", "@daily", "every day at 00:00", "@midnight", "every day at 00:00",
            "@weekly", "every Sunday at 00:00", "@monthly", "on the 1st of every month at 00:00",
            "@yearly", "every 1 January at 00:00", "@annually", "every 1 January at 00:00", "@continuous", "continuously");
    private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

    private ScheduleWords() {
    }

    /** Words for {@code schedule} (a preset, a 5-field cron expression or an ISO duration); null gives "not scheduled". */
    public static String of(String schedule) {
        if (schedule == null || schedule.isBlank()) {
            return "not scheduled (manual runs only)";
        }
        String s = schedule.trim();
        String preset = PRESETS.get(s.toLowerCase(Locale.ROOT));
        if (preset != null) {
            return preset;
        }
        if (s.startsWith("PT") || s.startsWith("P")) {
            try {
                return "every " + java.time.Duration.parse(s).toString().substring(2).toLowerCase(Locale.ROOT);
            } catch (java.time.format.DateTimeParseException e) {
                return s;
            }
        }
        String[] f = s.split("\\s+");
        if (f.length != 5) {
            return s;
        }
        String min = f[0];
        String hour = f[1];
        boolean everyDay = f[2].equals("*") && f[3].equals("*");
        if (min.startsWith("*/") && hour.equals("*") && everyDay && f[4].equals("*")) {
            return "every " + min.substring(2) + " minutes";
        }
        if (isNumber(min) && hour.equals("*") && everyDay && f[4].equals("*")) {
            return "every hour at minute " + min;
        }
        if (isNumber(min) && hour.startsWith("*/") && everyDay && f[4].equals("*")) {
            return "every " + hour.substring(2) + " hours at minute " + min;
        }
        if (isNumber(min) && isNumber(hour)) {
            String at = String.format(Locale.ROOT, "%02d:%02d", Integer.parseInt(hour), Integer.parseInt(min));
            if (everyDay && f[4].equals("*")) {
                return "every day at " + at;
            }
            if (everyDay && f[4].equals("1-5")) {
                return "every weekday at " + at;
            }
            if (everyDay && isNumber(f[4]) && Integer.parseInt(f[4]) <= 7) {
                return "every " + DAYS[Integer.parseInt(f[4]) % 7] + " at " + at;
            }
            if (isNumber(f[2]) && f[3].equals("*") && f[4].equals("*")) {
                return "on day " + f[2] + " of every month at " + at;
            }
        }
        return "cron " + s;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
