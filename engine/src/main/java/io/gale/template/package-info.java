/**
 * Jinja-syntax templates of operator fields (Airflow's templated fields), rendered with Pebble:
 * Airflow's context variables ({@code ds}, {@code logical_date}, {@code params}, {@code ti},
 * {@code var}, ...), strict about undefined names, no HTML escaping, and masking of secrets in
 * what is shown of a rendered value. Runtime only: operators reach it through
 * {@link io.gale.api.TaskContext#render(String, String)}.
 */
package io.gale.template;
