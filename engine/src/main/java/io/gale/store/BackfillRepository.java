package io.gale.store;

import io.gale.core.BackfillState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Backfills: a range of runs of one DAG created and tracked as one job. */
public interface BackfillRepository {

    record Backfill(long id, String dagId, Instant fromDate, Instant toDate, boolean runBackwards, boolean resetDagruns,
                    boolean rerunFailedTasks, int maxActiveRuns, Map<String, Object> conf, BackfillState state, int totalRuns,
                    Instant createdAt, Instant completedAt) {
    }

    /** Progress of a backfill's runs. */
    record Progress(int total, int success, int failed, int running, int queued) {
        public int done() {
            return success + failed;
        }
    }

    long create(Backfill backfill);

    Optional<Backfill> find(long id);

    /** The newest backfill of a DAG that is still running. */
    Optional<Backfill> latestRunning(String dagId);

    List<Backfill> running();

    /** Pauses or unpauses a backfill: a paused one starts none of its queued runs. False when there is no such backfill. */
    boolean setPaused(long id, boolean paused);

    /** The ids of paused backfills. */
    java.util.Set<Long> pausedIds();

    /** The backfills of a DAG (every DAG when {@code dagId} is null), oldest first. */
    List<Backfill> list(String dagId);

    Progress progress(long id);

    /** Whether any run of the backfill is queued or running (cheaper than {@link #progress}). */
    boolean hasActiveRuns(long id);

    /** Sets the state; completed_at is set when it leaves running. */
    void setState(long id, BackfillState state, Instant now);
}
