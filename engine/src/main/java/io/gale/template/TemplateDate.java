package io.gale.template;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalField;
import java.time.temporal.TemporalQuery;
import java.time.temporal.ValueRange;
import java.util.Locale;

/**
 * A date-time as templates see it ({@code logical_date}, {@code data_interval_start}, ...): prints
 * as Python's {@code isoformat()} ({@code 2026-06-01T00:00:00+00:00}), has
 * {@code strftime('%Y%m%d')}, {@code isoformat()}, {@code in_timezone('Europe/Paris')},
 * {@code timestamp()} and {@code year} ... {@code second}, and works with Pebble's {@code date}
 * filter (it is a {@link TemporalAccessor}).
 */
record TemplateDate(OffsetDateTime value) implements TemporalAccessor {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx", Locale.ROOT);
    private static final DateTimeFormatter ISO_MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT);

    static TemplateDate utc(Instant instant) {
        return new TemplateDate(instant.atOffset(ZoneOffset.UTC));
    }

    /** Python's {@code isoformat()}: microseconds only when there are any. */
    String isoformat() {
        return (value.getNano() / 1000 == 0 ? ISO : ISO_MICROS).format(value);
    }

    TemplateDate inTimezone(String zone) {
        return new TemplateDate(value.atZoneSameInstant(ZoneId.of(zone)).toOffsetDateTime());
    }

    /** Python's {@code strftime} for the common directives; an unknown one is an error naming it. */
    String strftime(String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String pattern = switch (d) {
                case 'Y' -> "uuuu";
                case 'y' -> "uu";
                case 'm' -> "MM";
                case 'd' -> "dd";
                case 'H' -> "HH";
                case 'I' -> "hh";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'f' -> "SSSSSS";
                case 'j' -> "DDD";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'p' -> "a";
                case 'z' -> "xx";
                case '%' -> null;
                default -> throw new IllegalArgumentException("strftime directive %" + d + " is not supported");
            };
            out.append(pattern == null ? "%" : DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(value));
        }
        return out.toString();
    }

    @Override
    public boolean isSupported(TemporalField field) {
        return value.isSupported(field);
    }

    @Override
    public long getLong(TemporalField field) {
        return value.getLong(field);
    }

    @Override
    public ValueRange range(TemporalField field) {
        return value.range(field);
    }

    @Override
    public <R> R query(TemporalQuery<R> query) {
        return value.query(query);
    }

    @Override
    public String toString() {
        return isoformat();
    }
}
