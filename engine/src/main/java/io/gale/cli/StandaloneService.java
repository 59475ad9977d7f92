package io.gale.cli;

import io.gale.runtime.Engine;
import java.io.PrintWriter;

/**
 * A service from another module that {@code gale standalone} can run beside the scheduler, switched
 * on by the option {@code --<name>} (e.g. {@code --serve}). Registered by adding a command that
 * implements it ({@link Cli#addCommand}).
 */
public interface StandaloneService {

    /** The option's name without dashes, e.g. {@code serve}. */
    String standaloneOption();

    /** Starts the service on the engine; closing the result stops it. */
    AutoCloseable startBeside(Engine engine, PrintWriter out, PrintWriter err) throws Exception;
}
