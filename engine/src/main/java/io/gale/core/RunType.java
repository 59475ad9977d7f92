package io.gale.core;

import java.util.Locale;

/** How a run came to be; its run id starts with this prefix, e.g. {@code manual__2026-01-01T00:00:00+00:00}. */
public enum RunType {
    MANUAL, SCHEDULED, BACKFILL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunType of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** Airflow's run id: {@code <type>__<logical date in ISO with offset>}. */
    public String runId(java.time.Instant logicalDate) {
        var utc = logicalDate.atOffset(java.time.ZoneOffset.UTC);
        return id() + "__" + java.time.format.DateTimeFormatter.ofPattern(
                utc.getNano() == 0 ? "uuuu-MM-dd'T'HH:mm:ssxxx" : "uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").format(utc);
    }
}
