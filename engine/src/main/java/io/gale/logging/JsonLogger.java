package io.gale.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;

/**
 * Writes each event as one line of JSON: {@code timestamp}, {@code level}, {@code logger},
 * {@code thread}, {@code message}, the MDC's entries as fields of their own (e.g.
 * {@code dag_id}, {@code run_id}, {@code task_id}, {@code try_number}), and {@code error} with
 * the stack trace when there is one (newlines escaped, so still one line).
 */
final class JsonLogger extends LegacyAbstractLogger {

    private static final JsonFactory JSON = new JsonFactory();
    private static final java.util.Set<String> RESERVED = java.util.Set.of("timestamp", "level", "logger", "thread", "message", "error");

    private final Level threshold;
    private final PrintStream out;
    private final MDCAdapter mdc;

    JsonLogger(String name, Level threshold, PrintStream out, MDCAdapter mdc) {
        this.name = name;
        this.threshold = threshold;
        this.out = out;
        this.mdc = mdc;
    }

    private boolean enabled(Level level) {
        return threshold != null && level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
        String message = MessageFormatter.basicArrayFormat(pattern, args);
        StringWriter line = new StringWriter(160 + (message == null ? 0 : message.length()));
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("timestamp", Instant.now().toString());
            g.writeStringField("level", level.name());
            g.writeStringField("logger", name);
            g.writeStringField("thread", Thread.currentThread().getName());
            g.writeStringField("message", message);
            Map<String, String> context = mdc.getCopyOfContextMap();
            if (context != null) {
                for (Map.Entry<String, String> e : new TreeMap<>(context).entrySet()) {
                    if (!RESERVED.contains(e.getKey())) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                }
            }
            if (error != null) {
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                g.writeStringField("error", trace.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a log line as JSON", e); // a StringWriter does not fail
        }
        out.println(line); // one println per event: lines from several threads do not interleave
    }
}
