package io.gale.runtime;

import io.gale.executor.Executor;

/**
 * An executor a module adds (for example Kubernetes pods or remote workers), found with
 * {@link java.util.ServiceLoader} and chosen by {@code GALE_EXECUTOR=<name>}. The built-in
 * {@code local} executor runs tries on threads of the scheduler's process.
 */
public interface ExecutorProvider {

    /** The name {@code GALE_EXECUTOR} selects it by, lower case, e.g. {@code kubernetes}. */
    String name();

    /** A new executor for a scheduler of {@code engine}; its settings come from the engine's configuration and environment. */
    Executor create(Engine engine);
}
