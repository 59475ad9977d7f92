package io.gale.schedule;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.quartz.CronExpression;

/**
 * Validates a cron expression and compiles it into {@link LocalCron}. Five fields are read as a Unix
 * cron with croniter's meaning and translated to one or more Quartz expressions; six or seven fields
 * are handed to Quartz as they are.
 */
final class CronParser {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private enum Field {
        MINUTE("minute", 0, 59, Map.of()),
        HOUR("hour", 0, 23, Map.of()),
        DAY_OF_MONTH("day-of-month", 1, 31, Map.of()),
        MONTH("month", 1, 12, Map.ofEntries(
                Map.entry("JAN", 1), Map.entry("FEB", 2), Map.entry("MAR", 3), Map.entry("APR", 4),
                Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7), Map.entry("AUG", 8),
                Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12))),
        DAY_OF_WEEK("day-of-week", 0, 7, Map.of(
                "SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4, "FRI", 5, "SAT", 6));

        final String label;
        final int min;
        final int max;
        final Map<String, Integer> names;

        Field(String label, int min, int max, Map<String, Integer> names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        /** How many distinct values mean "every value" (day-of-week 7 folds onto 0). */
        int size() {
            return this == DAY_OF_WEEK ? 7 : max - min + 1;
        }
    }

    /** The values one field selects; day fields also carry their special forms. */
    private static final class Values {
        final TreeSet<Integer> plain = new TreeSet<>();
        boolean lastDayOfMonth;
        final List<String> nthWeekdays = new ArrayList<>();   // Quartz "d#n"
        final TreeSet<Integer> lastWeekdays = new TreeSet<>(); // Unix day numbers

        boolean all(Field field) {
            return plain.size() == field.size();
        }
    }

    private CronParser() {
    }

    static LocalCron parse(String expression) {
        String[] fields = expression.trim().split("\\s+");
        LocalCron cron = switch (fields.length) {
            case 5 -> unix(expression, fields);
            case 6, 7 -> quartz(expression);
            default -> throw new InvalidScheduleException(expression, "expected 5 fields (minute hour day-of-month"
                    + " month day-of-week) or 6-7 Quartz fields (seconds first), got " + fields.length);
        };
        if (cron.next(LocalCron.FLOOR) == null) {
            throw new InvalidScheduleException(expression, "it never fires");
        }
        return cron;
    }

    private static LocalCron unix(String expression, String[] fields) {
        Values minutes = field(expression, Field.MINUTE, fields[0]);
        Values hours = field(expression, Field.HOUR, fields[1]);
        Values days = field(expression, Field.DAY_OF_MONTH, fields[2]);
        Values months = field(expression, Field.MONTH, fields[3]);
        Values weekdays = field(expression, Field.DAY_OF_WEEK, fields[4]);

        // croniter: when both day fields are restricted a day matches if EITHER matches. Quartz allows
        // only one day field per expression, so every day alternative becomes its own expression.
        boolean domRestricted = !days.all(Field.DAY_OF_MONTH);
        boolean dowRestricted = !weekdays.all(Field.DAY_OF_WEEK);
        List<String[]> dayAlternatives = new ArrayList<>();
        if (!domRestricted && !dowRestricted) {
            dayAlternatives.add(new String[] {"*", "?"});
        }
        if (domRestricted) {
            if (!days.plain.isEmpty()) {
                dayAlternatives.add(new String[] {join(days.plain, 0), "?"});
            }
            if (days.lastDayOfMonth) {
                dayAlternatives.add(new String[] {"L", "?"});
            }
        }
        if (dowRestricted) {
            if (!weekdays.plain.isEmpty()) {
                dayAlternatives.add(new String[] {"?", join(weekdays.plain, 1)});
            }
            weekdays.nthWeekdays.forEach(nth -> dayAlternatives.add(new String[] {"?", nth}));
            weekdays.lastWeekdays.forEach(day -> dayAlternatives.add(new String[] {"?", (day + 1) + "L"}));
        }

        String minute = minutes.all(Field.MINUTE) ? "*" : join(minutes.plain, 0);
        String hour = hours.all(Field.HOUR) ? "*" : join(hours.plain, 0);
        String month = months.all(Field.MONTH) ? "*" : join(months.plain, 0);
        List<CronExpression> compiled = new ArrayList<>();
        for (String[] day : dayAlternatives) {
            String quartz = String.join(" ", "0", minute, hour, day[0], month, day[1]);
            compiled.add(compile(expression, quartz));
        }
        return new LocalCron(compiled, hours.all(Field.HOUR));
    }

    private static LocalCron quartz(String expression) {
        CronExpression compiled = compile(expression, expression.trim());
        return new LocalCron(List.of(compiled), coversEveryHour(compiled));
    }

    private static CronExpression compile(String expression, String quartz) {
        try {
            CronExpression compiled = new CronExpression(quartz);
            compiled.setTimeZone(UTC);
            return compiled;
        } catch (ParseException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InvalidScheduleException(expression, "not a valid Quartz cron expression ("
                    + detail.strip() + ")");
        }
    }

    /** Reads the hour set Quartz parsed, as listed in its expression summary. */
    private static boolean coversEveryHour(CronExpression compiled) {
        for (String line : compiled.getExpressionSummary().split("\n")) {
            if (line.startsWith("hours: ")) {
                String hours = line.substring("hours: ".length()).trim();
                return hours.equals("*") || hours.split(",").length == 24;
            }
        }
        return false;
    }

    private static String join(TreeSet<Integer> values, int shift) {
        return values.stream().map(v -> String.valueOf(v + shift)).collect(Collectors.joining(","));
    }

    private static Values field(String expression, Field field, String text) {
        Values values = new Values();
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                throw new InvalidScheduleException(expression, field.label + " field '" + text
                        + "' has an empty list item");
            }
            item(expression, field, item.toUpperCase(Locale.ROOT), values);
        }
        return values;
    }

    private static void item(String expression, Field field, String item, Values values) {
        if (field == Field.DAY_OF_MONTH && item.equals("L")) {
            values.lastDayOfMonth = true;
            return;
        }
        if (field == Field.DAY_OF_WEEK) {
            int hash = item.indexOf('#');
            if (hash >= 0) {
                int day = value(expression, field, item.substring(0, hash), item) % 7;
                String occurrence = item.substring(hash + 1);
                if (!occurrence.matches("[1-5]")) {
                    throw new InvalidScheduleException(expression, "day-of-week item '" + item
                            + "': occurrence '" + occurrence + "' is not in 1-5");
                }
                values.nthWeekdays.add((day + 1) + "#" + occurrence);
                return;
            }
            if (item.length() > 1 && item.endsWith("L")) {
                values.lastWeekdays.add(value(expression, field, item.substring(0, item.length() - 1), item) % 7);
                return;
            }
            if (item.length() > 1 && item.startsWith("L")) {
                values.lastWeekdays.add(value(expression, field, item.substring(1), item) % 7);
                return;
            }
        }

        String range = item;
        int step = 1;
        boolean stepped = false;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            range = item.substring(0, slash);
            step = step(expression, field, item.substring(slash + 1), item);
            stepped = true;
        }
        int low;
        int high;
        boolean wildcard = range.equals("*")
                || range.equals("?") && (field == Field.DAY_OF_MONTH || field == Field.DAY_OF_WEEK);
        if (wildcard) {
            low = field.min;
            high = field.max;
        } else if (range.indexOf('-') > 0) {
            int dash = range.indexOf('-');
            String to = range.substring(dash + 1);
            low = value(expression, field, range.substring(0, dash), item);
            high = field == Field.DAY_OF_MONTH && to.equals("L") ? 31 : value(expression, field, to, item);
            if (field == Field.DAY_OF_WEEK && high == 0 && low > 0) {
                high = 7; // croniter reads "5-0" / "FRI-SUN" as running up to Sunday
            }
            if (low > high) {
                throw new InvalidScheduleException(expression, field.label + " range '" + item + "' is reversed");
            }
        } else {
            low = value(expression, field, range, item);
            high = stepped ? field.max : low; // "5/15" means "5-max/15"
        }
        for (int v = low; v <= high; v += step) {
            values.plain.add(field == Field.DAY_OF_WEEK ? v % 7 : v);
        }
    }

    private static int step(String expression, Field field, String text, String item) {
        if (!text.matches("\\d{1,4}") || Integer.parseInt(text) == 0) {
            throw new InvalidScheduleException(expression, field.label + " step '" + text + "' in '" + item
                    + "' must be a positive integer");
        }
        return Integer.parseInt(text);
    }

    private static int value(String expression, Field field, String text, String item) {
        int value;
        if (text.matches("\\d+")) {
            value = text.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(text);
        } else if (field.names.containsKey(text)) {
            return field.names.get(text);
        } else if (text.isEmpty()) {
            throw new InvalidScheduleException(expression, field.label + " item '" + item + "' is malformed");
        } else {
            String expected = switch (field) {
                case MONTH -> " is not a number or month name (JAN-DEC)";
                case DAY_OF_WEEK -> " is not a number or day name (SUN-SAT)";
                default -> " is not a number";
            };
            throw new InvalidScheduleException(expression, field.label + " value '" + text + "'" + expected);
        }
        if (value < field.min || value > field.max) {
            throw new InvalidScheduleException(expression, field.label + " value " + text + " is out of range "
                    + field.min + "-" + field.max);
        }
        return value;
    }
}
