package io.gale.store;

import io.gale.core.TaskKey;
import java.util.List;
import java.util.Optional;

/** The log text of each try of a task instance. */
public interface TaskLogRepository {

    /** A try's log. */
    record Entry(TaskKey key, int tryNumber, String content) {
    }

    /** Stores many logs in one batch. */
    void putAll(java.util.Collection<Entry> logs);

    Optional<String> get(TaskKey key, int tryNumber);

    /** Appends text to the log of one try (creating it). */
    void append(TaskKey key, int tryNumber, String text);

    /** Try numbers that have a log, ascending. */
    List<Integer> tries(TaskKey key);
}
