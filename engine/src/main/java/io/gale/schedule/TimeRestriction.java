package io.gale.schedule;

import java.time.Instant;

/**
 * Limits a DAG places on automated scheduling.
 *
 * @param earliest the DAG's start date, or {@code null} when it has none
 * @param latest the DAG's end date, or {@code null} when it has none
 * @param catchup whether missed intervals between {@code earliest} and now are run
 */
public record TimeRestriction(Instant earliest, Instant latest, boolean catchup) {
}
