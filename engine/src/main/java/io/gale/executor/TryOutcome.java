package io.gale.executor;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.core.GaleException;
import io.gale.core.Json;
import io.gale.core.TaskState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a try run by {@code gale tasks run} ended, as the last line of its standard output: the
 * fixed {@link #PREFIX} and one JSON object. An executor that runs tries in other processes
 * (pods) reads it back from their log.
 *
 * @param xcoms key to the JSON value pushed during the try
 */
public record TryOutcome(TaskState state, String error, Map<String, String> xcoms, Instant start, Instant end) {

    /** What the outcome line starts with. */
    public static final String PREFIX = "GALE_TRY_OUTCOME ";

    public TryOutcome {
        xcoms = Map.copyOf(xcoms);
    }

    /** The outcome of {@code event}. */
    public static TryOutcome of(TaskEvent event) {
        return new TryOutcome(event.state(), event.error(), event.xcoms(), event.start(), event.end());
    }

    /** The line to print: the prefix and the JSON, without a line break. */
    public String line() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.id());
        m.put("error", error);
        m.put("xcoms", xcoms);
        m.put("start", start.toString());
        m.put("end", end.toString());
        return PREFIX + Json.write(m);
    }

    /**
     * The outcome in a try's output: its last line that starts with {@link #PREFIX}, or empty
     * when there is none.
     *
     * @throws GaleException when that line is not a valid outcome
     */
    public static Optional<TryOutcome> find(String output) {
        int at = output.lastIndexOf(PREFIX);
        while (at > 0 && output.charAt(at - 1) != '\n') {
            at = output.lastIndexOf(PREFIX, at - 1);
        }
        if (at < 0) {
            return Optional.empty();
        }
        int eol = output.indexOf('\n', at);
        String json = output.substring(at + PREFIX.length(), eol < 0 ? output.length() : eol).strip();
        try {
            Map<String, Object> m = Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
            Map<String, String> xcoms = new LinkedHashMap<>();
            Object x = m.get("xcoms");
            if (x instanceof Map<?, ?> xm) {
                xm.forEach((k, v) -> xcoms.put(String.valueOf(k), String.valueOf(v)));
            }
            return Optional.of(new TryOutcome(TaskState.of(String.valueOf(m.get("state"))), (String) m.get("error"), xcoms,
                    Instant.parse(String.valueOf(m.get("start"))), Instant.parse(String.valueOf(m.get("end")))));
        } catch (Exception e) {
            throw new GaleException("the try's outcome line is not valid: " + e.getMessage(), e);
        }
    }

    /** {@code output} up to its outcome line (the try's own log). */
    public static String logBefore(String output) {
        int at = output.lastIndexOf("\n" + PREFIX);
        if (output.startsWith(PREFIX)) {
            return at < 0 ? "" : output.substring(0, at + 1);
        }
        return at < 0 ? output : output.substring(0, at + 1);
    }
}
