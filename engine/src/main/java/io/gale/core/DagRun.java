package io.gale.core;

import java.time.Instant;
import java.util.Map;

/** One run of a DAG over a data interval. */
public record DagRun(long id, String dagId, String runId, RunType runType, Instant logicalDate,
                     Instant dataIntervalStart, Instant dataIntervalEnd, DagRunState state,
                     Map<String, Object> conf, Instant queuedAt, Instant startDate, Instant endDate,
                     Long backfillId) {
}
