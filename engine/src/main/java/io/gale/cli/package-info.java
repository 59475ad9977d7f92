/** The {@code gale} command line: Airflow's verbs and flags, on picocli. */
package io.gale.cli;
