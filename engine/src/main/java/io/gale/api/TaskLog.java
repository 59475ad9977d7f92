package io.gale.api;

/**
 * The log of one try of a task. Lines are stored with the try and shown by
 * {@code gale tasks logs}. Messages use {@code {}} placeholders, as SLF4J does.
 */
public interface TaskLog {

    void info(String message, Object... args);

    void warn(String message, Object... args);

    void error(String message, Object... args);

    /** Appends a raw line (used for a subprocess's output). */
    void line(String line);
}
