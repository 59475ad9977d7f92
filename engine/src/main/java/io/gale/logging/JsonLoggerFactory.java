package io.gale.logging;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.spi.MDCAdapter;

/** Makes {@link JsonLogger}s that share one output stream and MDC. */
final class JsonLoggerFactory implements ILoggerFactory {

    private final LogLevels levels;
    private final PrintStream out;
    private final MDCAdapter mdc;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

    JsonLoggerFactory(LogLevels levels, PrintStream out, MDCAdapter mdc) {
        this.levels = levels;
        this.out = out;
        this.mdc = mdc;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levels.of(n), out, mdc));
    }
}
