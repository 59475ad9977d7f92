package io.gale.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Objects;
import java.util.Optional;

/**
 * Airflow's {@code CronDataIntervalTimetable}: each run covers the interval between two consecutive
 * cron fire times and may start once that interval has ended.
 *
 * <p>The expression is read on the wall clock of {@link #zone()}. Daylight-saving changes follow
 * Airflow: when the hour field covers every hour, fire times are all instants whose local time matches
 * (the repeated hour runs twice, the skipped hour not at all); otherwise each matching local time runs
 * once, at its later occurrence when the clock goes back and shifted forward by the gap when it springs
 * forward.
 */
public final class CronTimetable implements Timetable {

    private static final Duration TRANSITION_SEARCH = Duration.ofDays(2);

    private final String expression;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final LocalCron cron;

    /**
     * @param expression a Unix 5-field cron, a Quartz 6/7-field cron or a cron preset such as {@code @daily}
     * @param zone the time zone whose wall clock the expression is read on
     * @throws InvalidScheduleException if the expression is not valid
     */
    public CronTimetable(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.expression = Timetables.cronPreset(expression.trim());
        this.rules = zone.getRules();
        this.cron = CronParser.parse(this.expression);
    }

    /** The cron expression, with any preset replaced by its definition. */
    public String expression() {
        return expression;
    }

    /** The time zone whose wall clock the expression is read on. */
    public ZoneId zone() {
        return zone;
    }

    /** The first fire time strictly after {@code time}. */
    public Optional<Instant> nextFireTime(Instant time) {
        return Optional.ofNullable(next(Objects.requireNonNull(time, "time")));
    }

    /** The last fire time strictly before {@code time}. */
    public Optional<Instant> previousFireTime(Instant time) {
        return Optional.ofNullable(previous(Objects.requireNonNull(time, "time")));
    }

    @Override
    public Optional<DagRunInfo> nextDagRunInfo(DataInterval lastAutomated, TimeRestriction restriction, Instant now) {
        Objects.requireNonNull(restriction, "restriction");
        Instant earliest = restriction.earliest();
        if (!restriction.catchup()) {
            earliest = skipToLatest(earliest, Objects.requireNonNull(now, "now"));
        } else if (earliest != null) {
            earliest = alignToNext(earliest);
        }
        Instant start;
        if (lastAutomated == null) {
            if (earliest == null) {
                return Optional.empty();
            }
            start = earliest;
        } else {
            start = alignToPrevious(lastAutomated.end());
            if (start == null) {
                start = alignToNext(lastAutomated.end());
            }
            if (earliest != null && (start == null || earliest.isAfter(start))) {
                start = earliest;
            }
            if (start == null) {
                return Optional.empty();
            }
        }
        if (restriction.latest() != null && start.isAfter(restriction.latest())) {
            return Optional.empty();
        }
        Instant end = next(start);
        return end == null ? Optional.empty() : Optional.of(DagRunInfo.interval(start, end));
    }

    @Override
    public DataInterval inferManualDataInterval(Instant runAfter) {
        Objects.requireNonNull(runAfter, "runAfter");
        Instant end = alignToPrevious(runAfter);
        if (end == null) {
            return DataInterval.exact(runAfter);
        }
        Instant start = previous(end);
        return new DataInterval(start == null ? end : start, end);
    }

    @Override
    public String summary() {
        return expression + " (" + zone.getId() + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronTimetable that && expression.equals(that.expression) && zone.equals(that.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone);
    }

    @Override
    public String toString() {
        return "CronTimetable[" + summary() + "]";
    }

    /** The start of the latest complete interval before {@code now}, or the aligned start date if later. */
    private Instant skipToLatest(Instant earliest, Instant now) {
        Instant newStart = null;
        Instant lastStart = previous(now);
        if (lastStart != null) {
            Instant nextStart = next(lastStart);
            newStart = now.equals(nextStart) ? lastStart : previous(lastStart);
        }
        if (earliest == null) {
            return newStart;
        }
        Instant aligned = alignToNext(earliest);
        if (newStart == null || aligned == null) {
            return newStart == null ? aligned : newStart;
        }
        return aligned.isAfter(newStart) ? aligned : newStart;
    }

    /** {@code time} if it is a fire time, else the next one. */
    private Instant alignToNext(Instant time) {
        return next(time.minusNanos(1));
    }

    /** {@code time} if it is a fire time, else the previous one. */
    private Instant alignToPrevious(Instant time) {
        return previous(time.plusNanos(1));
    }

    private Instant next(Instant time) {
        return cron.coversEveryHour() ? nextMatchingInstant(time) : nextWallClock(time);
    }

    private Instant previous(Instant time) {
        return cron.coversEveryHour() ? previousMatchingInstant(time) : previousWallClock(time);
    }

    /** Every-hour schedules: the next instant whose local time (in its own offset) matches. */
    private Instant nextMatchingInstant(Instant time) {
        Instant cursor = time;
        boolean inclusive = false;
        while (true) {
            ZoneOffset offset = rules.getOffset(cursor);
            ZoneOffsetTransition transition = rules.nextTransition(cursor);
            LocalDateTime local = LocalDateTime.ofInstant(cursor, offset);
            LocalDateTime fire = cron.next(inclusive ? local.minusNanos(1) : local);
            if (fire == null) {
                return null;
            }
            Instant instant = fire.toInstant(offset);
            if (transition == null || instant.isBefore(transition.getInstant())) {
                return instant;
            }
            cursor = transition.getInstant();
            inclusive = true;
        }
    }

    /** Every-hour schedules: the last instant before {@code time} whose local time matches. */
    private Instant previousMatchingInstant(Instant time) {
        Instant cursor = time;
        while (true) {
            ZoneOffset offset = rules.getOffset(cursor.minusNanos(1));
            ZoneOffsetTransition transition = rules.previousTransition(cursor);
            LocalDateTime fire = cron.previous(LocalDateTime.ofInstant(cursor, offset));
            if (fire == null) {
                return null;
            }
            Instant instant = fire.toInstant(offset);
            if (transition == null || !instant.isBefore(transition.getInstant())) {
                return instant;
            }
            cursor = transition.getInstant();
        }
    }

    /**
     * Other schedules: fire times are the matching local times placed with {@link #place}. Near a
     * transition a local time slightly before {@code time}'s own can land after it, so start early.
     */
    private Instant nextWallClock(Instant time) {
        LocalDateTime local = LocalDateTime.ofInstant(time, zone);
        Duration slack = transitionSlack(time);
        LocalDateTime candidate = cron.next(slack.isZero() ? local : local.minus(slack).minusSeconds(1));
        while (candidate != null) {
            Instant instant = place(candidate);
            if (instant.isAfter(time)) {
                return instant;
            }
            candidate = cron.next(candidate);
        }
        return null;
    }

    private Instant previousWallClock(Instant time) {
        LocalDateTime candidate = cron.previous(LocalDateTime.ofInstant(time, zone));
        while (candidate != null) {
            Instant instant = place(candidate);
            if (instant.isBefore(time)) {
                return instant;
            }
            candidate = cron.previous(candidate);
        }
        return null;
    }

    /** Airflow's make_aware with fold=1: later occurrence in an overlap, shifted forward in a gap. */
    private Instant place(LocalDateTime local) {
        return ZonedDateTime.ofLocal(local, zone, null).withLaterOffsetAtOverlap().toInstant();
    }

    /** The largest offset change within two days of {@code time}; zero when there is none. */
    private Duration transitionSlack(Instant time) {
        Duration slack = Duration.ZERO;
        Instant limit = time.minus(TRANSITION_SEARCH);
        ZoneOffsetTransition transition = rules.previousTransition(time.plus(TRANSITION_SEARCH));
        while (transition != null && !transition.getInstant().isBefore(limit)) {
            Duration change = transition.getDuration().abs();
            if (change.compareTo(slack) > 0) {
                slack = change;
            }
            transition = rules.previousTransition(transition.getInstant());
        }
        return slack;
    }
}
