package io.gale.store;

import io.gale.core.TaskKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** XCom values (JSON text) per task instance and key. */
public interface XComRepository {

    record Entry(String taskId, String key, String json, Instant timestamp) {
    }

    void put(TaskKey key, String xcomKey, String json);

    /** A value to write: JSON under a key of a task instance. */
    record Push(TaskKey task, String key, String json) {
    }

    /** Writes many values in one statement, replacing those already under their keys. */
    void putAll(java.util.Collection<Push> pushes);

    Optional<String> get(TaskKey key, String xcomKey);

    List<Entry> list(TaskKey key);

    /** Deletes every value the task instance pushed (a new try starts, or it is cleared). */
    void deleteAll(TaskKey key);

    /** Deletes the values of many task instances at once. */
    void deleteAll(java.util.Collection<TaskKey> keys);
}
