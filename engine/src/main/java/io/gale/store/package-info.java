/**
 * The metadata store: repository interfaces over PostgreSQL, one {@code Jooq*} class per
 * repository and {@link io.gale.store.JooqStore} wiring them to one connection or transaction.
 * jOOQ stays inside this package; {@code io.gale.store.jooq} is generated from the migrated
 * schema ({@code -Pjooq-codegen}), its state columns typed as Gale's enums through
 * {@link io.gale.store.StateConverters}.
 */
package io.gale.store;
