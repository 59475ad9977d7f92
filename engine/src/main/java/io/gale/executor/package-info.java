/**
 * Runs task tries and reports what happened as {@link io.gale.executor.TaskEvent}s. The executor
 * never writes the database: the scheduler owns every state change (Airflow's split).
 */
package io.gale.executor;
