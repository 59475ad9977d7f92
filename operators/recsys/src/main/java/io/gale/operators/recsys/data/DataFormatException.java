package io.gale.operators.recsys.data;

import java.nio.file.Path;

/** Unreadable or inconsistent input data; the message names the file and, where known, the line. */
public class DataFormatException extends IllegalArgumentException {
    private final transient Path file;
    private final long line;

    public DataFormatException(Path file, long line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public DataFormatException(Path file, long line, String message, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message, cause);
        this.file = file;
        this.line = line;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not tied to one line. */
    public long line() {
        return line;
    }
}
