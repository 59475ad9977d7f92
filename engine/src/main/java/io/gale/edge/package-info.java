/**
 * Remote workers, Airflow 3's edge worker adapted: the {@link io.gale.edge.EdgeExecutor}
 * ({@code GALE_EXECUTOR=edge}) queues tries in the database, {@link io.gale.edge.EdgeWorker}s
 * ({@code gale worker}) claim and run them over the HTTP API, and the scheduler records their ends.
 */
package io.gale.edge;
