/**
 * Storage of the GitHub crawl: {@link io.gale.operators.github.store.StarStore} and its jOOQ
 * implementation over the {@code gh_*} tables of migration V8, and
 * {@link io.gale.operators.github.store.StarDatabase}, which opens the database a crawl writes to.
 */
package io.gale.operators.github.store;
