package io.gale.runtime;

import java.io.PrintWriter;

/**
 * A service that {@code gale standalone} runs beside the scheduler, from a module engine does not
 * depend on, found with {@link java.util.ServiceLoader}: the web server (started unless told
 * otherwise) and the model server ({@code --serve}).
 */
public interface Companion {

    /** Its name; one that does not start by default is switched on by standalone's {@code --<name>}. */
    String name();

    /** Whether standalone starts it without being asked. */
    default boolean startsByDefault() {
        return true;
    }

    /**
     * Starts the service on {@code engine} and prints how to reach it on {@code out} (warnings on
     * {@code err}); the returned handle stops it. {@code port} is the port standalone's
     * {@code --port} asked for (the web server's), or null.
     */
    AutoCloseable start(Engine engine, Integer port, PrintWriter out, PrintWriter err) throws Exception;
}
