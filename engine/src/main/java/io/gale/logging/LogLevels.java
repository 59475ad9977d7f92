package io.gale.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.event.Level;

/**
 * Log levels as slf4j-simple reads them: {@code org.slf4j.simpleLogger.defaultLogLevel} and
 * {@code org.slf4j.simpleLogger.log.<name prefix>}, from system properties first, then
 * {@code simplelogger.properties} on the classpath; {@code off} silences a logger.
 */
final class LogLevels {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private final Properties settings;

    LogLevels(Properties settings) {
        this.settings = settings;
    }

    /** The levels from the classpath's {@code simplelogger.properties} and the system properties (which win). */
    static LogLevels fromSettings() {
        Properties p = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader() == null ? null
                : Thread.currentThread().getContextClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no file: the defaults
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                p.setProperty(key, System.getProperty(key));
            }
        }
        return new LogLevels(p);
    }

    /** The threshold of logger {@code name}, null when it is off. */
    Level of(String name) {
        String n = name;
        while (true) {
            String v = settings.getProperty(PREFIX + "log." + n);
            if (v != null) {
                return parse(v);
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                break;
            }
            n = n.substring(0, dot);
        }
        return parse(settings.getProperty(PREFIX + "defaultLogLevel", "info"));
    }

    private static Level parse(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "warn" -> Level.WARN;
            case "error" -> Level.ERROR;
            case "off" -> null;
            default -> Level.INFO;
        };
    }
}
