package io.gale.schedule;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.quartz.CronExpression;

/**
 * Cron arithmetic on naive wall-clock times. A schedule is the union of one or more Quartz
 * expressions, each evaluated in UTC so that Quartz never applies a time zone of its own.
 */
final class LocalCron {

    /** Searches for earlier fire times stop here. */
    static final LocalDateTime FLOOR = LocalDateTime.of(1900, 1, 1, 0, 0);

    private static final long MAX_WINDOW_SECONDS = 1L << 40;

    private final List<CronExpression> expressions;
    private final boolean coversEveryHour;

    LocalCron(List<CronExpression> expressions, boolean coversEveryHour) {
        this.expressions = List.copyOf(expressions);
        this.coversEveryHour = coversEveryHour;
    }

    /** Whether the hour field selects every hour (Airflow then steps in absolute time). */
    boolean coversEveryHour() {
        return coversEveryHour;
    }

    /** The first fire time strictly after {@code time}, or null when there is none. */
    LocalDateTime next(LocalDateTime time) {
        LocalDateTime best = null;
        for (CronExpression expression : expressions) {
            LocalDateTime candidate = after(expression, time);
            if (candidate != null && (best == null || candidate.isBefore(best))) {
                best = candidate;
            }
        }
        return best;
    }

    /** The last fire time strictly before {@code time}, or null when there is none. */
    LocalDateTime previous(LocalDateTime time) {
        LocalDateTime best = null;
        for (CronExpression expression : expressions) {
            LocalDateTime candidate = before(expression, time);
            if (candidate != null && (best == null || candidate.isAfter(best))) {
                best = candidate;
            }
        }
        return best;
    }

    private static LocalDateTime after(CronExpression expression, LocalDateTime time) {
        Date next;
        synchronized (expression) {
            next = expression.getTimeAfter(Date.from(time.toInstant(ZoneOffset.UTC)));
        }
        return next == null ? null : LocalDateTime.ofInstant(next.toInstant(), ZoneOffset.UTC);
    }

    /**
     * Quartz cannot search backwards reliably, so look for fire times in a window before {@code time}
     * that doubles until it holds one, then walk forward to the last one before {@code time}.
     */
    private static LocalDateTime before(CronExpression expression, LocalDateTime time) {
        long window = 2;
        while (true) {
            LocalDateTime from = time.minusSeconds(window).truncatedTo(ChronoUnit.SECONDS);
            boolean exhausted = !from.isAfter(FLOOR);
            if (exhausted) {
                from = FLOOR;
            }
            LocalDateTime fire = after(expression, from.minusSeconds(1));
            if (fire != null && fire.isBefore(time)) {
                return lastBefore(expression, fire, time);
            }
            if (exhausted || window >= MAX_WINDOW_SECONDS) {
                return null;
            }
            window *= 2;
        }
    }

    /** Narrows {@code [first, time)}, which holds at least one fire time, down to its last one. */
    private static LocalDateTime lastBefore(CronExpression expression, LocalDateTime first, LocalDateTime time) {
        LocalDateTime low = first;
        long span = Duration.between(low, time).getSeconds();
        while (span > 2) {
            LocalDateTime middle = low.plusSeconds(span / 2);
            LocalDateTime fire = after(expression, middle.minusSeconds(1));
            if (fire != null && fire.isBefore(time)) {
                low = fire;
            } else {
                time = middle;
            }
            span = Duration.between(low, time).getSeconds();
        }
        LocalDateTime last = low;
        for (LocalDateTime next = after(expression, last); next != null && next.isBefore(time);
                next = after(expression, last)) {
            last = next;
        }
        return last;
    }
}
