package io.gale.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/** Dates given on the command line. Text without an offset is read in the DAG's timezone. */
public final class Dates {

    private Dates() {
    }

    /** Whether {@code text} carries its own offset or zone. */
    public static boolean hasOffset(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            try {
                ZonedDateTime.parse(text);
                return true;
            } catch (DateTimeParseException e2) {
                return false;
            }
        }
    }

    /** The instant {@code text} names; text without an offset is read in {@code zone}; null gives null. */
    public static Instant parse(String text, ZoneId zone) {
        if (text == null) {
            return null;
        }
        String t = text.trim().replace(' ', 'T');
        try {
            return ZonedDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestException("'" + text + "' is not a date: use 2026-01-31, 2026-01-31T06:00 (read in the DAG's timezone "
                    + zone + ") or 2026-01-31T06:00+00:00");
        }
    }
}
