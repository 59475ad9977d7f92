/**
 * What the CLI and the REST API share: {@link io.gale.client.Operations}, Gale's operations over
 * the store and the serialized DAGs (trigger, clear, pause, runs, task instances, logs, XComs,
 * backfills, next runs), each a transaction with typed results.
 */
package io.gale.client;
