/**
 * The composition root: {@link io.gale.runtime.Engine} owns what one Gale process runs (the
 * database, the DAG processor, the scheduler, the executor, the change listener) and their
 * lifecycle. {@code gale scheduler}, {@code standalone}, {@code dag-processor} and
 * {@code dags test} are thin commands over it; everything else goes through the operations API
 * ({@link io.gale.client.Operations}).
 */
package io.gale.runtime;
