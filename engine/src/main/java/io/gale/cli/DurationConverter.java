package io.gale.cli;

import io.gale.core.Text;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option: {@code 5} (seconds), {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 1h30m}, {@code 1d} or ISO-8601 ({@code PT5S}).
 */
final class DurationConverter implements ITypeConverter<Duration> {

    static final String FORMS = "use 5 (seconds), 5s, 2m, 1h, 1h30m, 1d or ISO-8601 such as PT5S";

    private static final Pattern UNITS = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.matches("\\d+")) {
                d = Duration.ofSeconds(Long.parseLong(v));
            } else if (v.startsWith("p") || v.startsWith("-p")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else {
                Matcher m = UNITS.matcher(v);
                if (v.isEmpty() || !m.matches()) {
                    throw new TypeConversionException(invalid(value));
                }
                d = Duration.ofDays(number(m.group(1))).plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3))).plusSeconds(number(m.group(4)));
            }
            if (d.isNegative()) {
                throw new TypeConversionException("'" + Text.abbreviate(value, 40) + "' is negative: " + FORMS);
            }
            return d;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new TypeConversionException(invalid(value));
        }
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    private static String invalid(String value) {
        return "'" + Text.abbreviate(value, 40) + "' is not a duration: " + FORMS;
    }
}
