package io.gale.logging;

import io.gale.config.ConfigException;
import java.util.Locale;
import java.util.Map;

/** {@code GALE_LOG_FORMAT}: {@code text} (the default, slf4j-simple's lines) or {@code json} (one object per line). */
public enum LogFormat {
    TEXT, JSON;

    /** The system property slf4j (2.0.9 and later) reads to choose its provider. */
    static final String PROVIDER_PROPERTY = "slf4j.provider";

    /** MDC keys Gale sets where it knows them. */
    public static final String DAG_ID = "dag_id";
    public static final String RUN_ID = "run_id";
    public static final String TASK_ID = "task_id";
    public static final String TRY_NUMBER = "try_number";

    /**
     * Reads {@code GALE_LOG_FORMAT} and, for {@code json}, makes slf4j use {@link JsonLogProvider};
     * call it first thing in {@code main}, before anything logs.
     *
     * @throws ConfigException when the value is neither text nor json
     */
    public static LogFormat configure(Map<String, String> env) {
        LogFormat format = of(env.get("GALE_LOG_FORMAT"));
        if (format == JSON && System.getProperty(PROVIDER_PROPERTY) == null) {
            System.setProperty(PROVIDER_PROPERTY, JsonLogProvider.class.getName());
            // slf4j would say in a line of plain text which provider it loaded
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
        return format;
    }

    static LogFormat of(String value) {
        if (value == null || value.isBlank()) {
            return TEXT;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new ConfigException("GALE_LOG_FORMAT must be text or json, got '"
                    + io.gale.core.Text.abbreviate(value, 20) + "'");
        };
    }
}
