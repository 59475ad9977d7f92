package io.gale.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An slf4j provider writing one JSON object per line to stderr, chosen by
 * {@link LogFormat#configure} (not registered as a service, so slf4j-simple stays the default).
 * Levels come from the same settings as slf4j-simple's ({@code simplelogger.properties} and
 * {@code org.slf4j.simpleLogger.*} system properties).
 */
public final class JsonLogProvider implements SLF4JServiceProvider {

    private final ThreadMdc mdc = new ThreadMdc();
    private final BasicMarkerFactory markers = new BasicMarkerFactory();
    private JsonLoggerFactory loggers;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = new JsonLoggerFactory(LogLevels.fromSettings(), System.err, mdc);
    }
}
