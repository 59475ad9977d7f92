package io.gale.executor;

import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import java.time.Instant;
import java.util.Map;

/**
 * How a try ended. {@code state} is success, skipped, up_for_retry or failed; {@code xcoms} maps
 * keys to JSON pushed during the try; {@code log} is the try's whole log, or null when the executor stored
 * the log already (a remote worker streams it while the try runs).
 */
public record TaskEvent(TaskKey key, int tryNumber, TaskState state, String error, Map<String, String> xcoms,
                        String log, Instant start, Instant end) {
}
