package io.gale.web.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** What the pages show, as plain records the templates read (times already formatted with their zone). */
public final class Views {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Views() {
    }

    /** A coloured square for one run or task instance: its state (CSS class), hover text and link. */
    public record Square(String state, String title, String href) {
    }

    /** One line of the DAG list. */
    public record DagRow(String dagId, String href, String description, boolean paused, List<String> tags, String schedule,
                         String scheduleWords, String nextZoned, String nextUtc, List<Square> lastRuns) {
    }

    /** A run as a column of the grid. */
    public record RunColumn(String runId, String href, String state, String title, String label, String conf, String runType,
                            String dataInterval) {
    }

    /** A task as a row of the grid: one cell per run (state {@code none} where it has no instance). */
    public record GridRow(String taskId, List<Square> cells) {
    }

    /** The grid of a DAG: runs (newest first) by tasks; {@code active} while any run is queued or running. */
    public record Grid(String dagId, String href, List<RunColumn> runs, List<GridRow> rows, boolean active, GraphLayout.Graph graph) {
    }

    /** One input of the trigger form, made from a DAG param and the JSON type of its default. */
    public record Field(String name, String id, String type, String inputType, String value, boolean checked) {
    }

    /** One try of a task instance and its log (secrets masked). */
    public record TryLog(int tryNumber, String text) {
    }

    /** One XCom of a task instance, pretty-printed JSON with secrets masked. */
    public record XComView(String key, String value) {
    }

    /** An instant in UTC, labelled; "–" for none. */
    public static String utc(Instant at) {
        return at == null ? "–" : TIME.format(at.atZone(ZoneId.of("UTC"))) + " UTC";
    }

    /** An instant in a zone, labelled with the zone; "–" for none. */
    public static String zoned(Instant at, String zone) {
        if (at == null) {
            return "–";
        }
        ZoneId z;
        try {
            z = ZoneId.of(zone == null ? "UTC" : zone);
        } catch (java.time.DateTimeException e) {
            z = ZoneId.of("UTC");
        }
        return TIME.format(at.atZone(z)) + " " + z.getId();
    }

    /** A duration for people ("4.2 s", "3 min 5 s"), "–" for none. */
    public static String duration(Instant start, Instant end) {
        if (start == null) {
            return "–";
        }
        Duration d = Duration.between(start, end == null ? Instant.now() : end);
        if (d.toSeconds() < 60) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0) + (end == null ? " so far" : "");
        }
        return d.toMinutes() + " min " + d.toSecondsPart() + " s" + (end == null ? " so far" : "");
    }

    /** A path segment with every reserved character escaped (run ids hold ':' and '+'). */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The CSS class of a state: lower case, {@code none} for null. */
    public static String css(Enum<?> state) {
        return state == null ? "none" : state.name().toLowerCase(Locale.ROOT);
    }
}
