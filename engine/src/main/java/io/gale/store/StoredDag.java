package io.gale.store;

import java.time.Instant;
import java.util.List;

/** A DAG as the database knows it: what was last parsed, and whether it is paused. */
public record StoredDag(String dagId, boolean paused, boolean active, String description, String schedule,
                        String timezone, List<String> tags, String fileloc, int maxActiveRuns,
                        int maxActiveTasks, Instant lastParsedAt) {
}
