/**
 * DAG discovery (Airflow's DagBag): DAG classes from the classpath and from the dags folder
 * ({@code .java} sources compiled at load time, and jars), each file in its own class loader.
 */
package io.gale.dagbag;
