/**
 * Remote workers, Airflow 3's edge worker adapted: the {@link io.gale.edge.EdgeExecutor}
 * ({@code GALE_EXECUTOR=edge}) queues tries in the database, {@link io.gale.edge.EdgeWorker}s
 * ({@code gale worker}) claim and run them over the HTTP API, and the scheduler records their ends.
 * Their tasks reach XComs, variables, connections, other DAGs and the model registry over the same
 * API ({@code RemoteTaskServices}).
 */
package io.gale.edge;
