package io.gale.executor;

import io.gale.api.TaskLog;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import org.slf4j.helpers.MessageFormatter;

/** A try's log kept in memory (capped) until the try ends. */
final class BufferedTaskLog implements TaskLog {

    static final int MAX_CHARS = 8 * 1024 * 1024;

    private final StringBuilder text = new StringBuilder();
    private final Clock clock;
    private boolean truncated;
    private final java.util.function.Consumer<String> tail;

    BufferedTaskLog(Clock clock) {
        this(clock, text -> { });
    }

    /** @param tail told of the text of each line as it is added (a remote worker streams it) */
    BufferedTaskLog(Clock clock, java.util.function.Consumer<String> tail) {
        this.clock = clock;
        this.tail = tail;
    }

    @Override
    public void info(String message, Object... args) {
        write("INFO", message, args);
    }

    @Override
    public void warn(String message, Object... args) {
        write("WARN", message, args);
    }

    @Override
    public void error(String message, Object... args) {
        write("ERROR", message, args);
    }

    @Override
    public synchronized void line(String line) {
        append(line);
    }

    private void write(String level, String message, Object[] args) {
        var ft = MessageFormatter.arrayFormat(message, args);
        String prefix = "[" + DateTimeFormatter.ISO_INSTANT.format(clock.instant()) + "] " + level + " - ";
        synchronized (this) {
            append(prefix + ft.getMessage());
            if (ft.getThrowable() != null) {
                var sw = new java.io.StringWriter();
                ft.getThrowable().printStackTrace(new java.io.PrintWriter(sw));
                append(sw.toString().stripTrailing());
            }
        }
    }

    private void append(String line) {
        if (text.length() + line.length() > MAX_CHARS) {
            if (!truncated) {
                String note = "... log truncated at " + MAX_CHARS + " characters\n";
                text.append(note);
                tail.accept(note);
                truncated = true;
            }
            return;
        }
        text.append(line).append('\n');
        tail.accept(line + "\n");
    }

    synchronized String text() {
        return text.toString();
    }
}
