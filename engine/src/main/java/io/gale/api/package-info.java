/**
 * Gale's authoring API: everything a DAG author or an operator writer imports, and nothing else.
 *
 * <p>A pipeline is a {@link io.gale.api.DagDefinition} that builds a {@link io.gale.api.Dag} with
 * {@link io.gale.api.Dag#builder(String)}. Each task runs an {@link io.gale.api.Operator}, which
 * sees its run through a {@link io.gale.api.TaskContext}. This package imports no other Gale
 * package, so the engine can change underneath it.
 */
package io.gale.api;
