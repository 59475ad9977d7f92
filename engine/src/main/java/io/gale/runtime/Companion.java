package io.gale.runtime;

import java.io.PrintWriter;

/**
 * A service that {@code gale standalone} starts beside the scheduler, found with
 * {@link java.util.ServiceLoader} (for example the web server, from the webui module, which
 * engine does not depend on).
 */
public interface Companion {

    /**
     * Starts the service on {@code engine} and prints how to reach it on {@code out}; the
     * returned handle stops it. {@code port} is the port {@code --port} asked for, or null.
     */
    AutoCloseable start(Engine engine, Integer port, PrintWriter out) throws Exception;
}
