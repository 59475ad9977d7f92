package io.gale.store;

import io.gale.core.DagRunState;
import io.gale.core.RunType;
import java.time.Instant;
import java.util.Map;

/** A run to create. */
public record NewDagRun(String dagId, String runId, RunType runType, Instant logicalDate,
                        Instant dataIntervalStart, Instant dataIntervalEnd, DagRunState state,
                        Map<String, Object> conf, Long backfillId) {

    public NewDagRun(String dagId, String runId, RunType runType, Instant logicalDate, Instant dataIntervalStart,
                     Instant dataIntervalEnd, DagRunState state, Map<String, Object> conf) {
        this(dagId, runId, runType, logicalDate, dataIntervalStart, dataIntervalEnd, state, conf, null);
    }
}
