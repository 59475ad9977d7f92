package io.gale.api;

/**
 * A pipeline written as a Java class. Gale finds implementations on the classpath through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.gale.api.DagDefinition}) and in the
 * dags folder (jars and {@code .java} files). Implementations need a public no-argument
 * constructor; {@link #define()} may be called more than once and must have no side effects.
 */
@FunctionalInterface
public interface DagDefinition {

    /** Builds the DAG. Throwing here, or returning an invalid DAG, records an import error. */
    Dag define();
}
