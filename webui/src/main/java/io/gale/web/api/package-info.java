/**
 * Airflow 3's stable REST API ({@code /api/v2}) on Gale: handlers parse the request, call the
 * operations API and map its records to Airflow's JSON shapes ({@code Shapes}); no SQL and no
 * state rules here. {@code ApiRoutes} is the route table, {@code OpenApiRoutes} serves the
 * matching OpenAPI document.
 */
package io.gale.web.api;
