/** Gale's domain: DAG runs, task instances, their states, trigger rules and the retry formula. */
package io.gale.core;
