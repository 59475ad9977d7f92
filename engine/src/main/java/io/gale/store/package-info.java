/**
 * The metadata store: repository interfaces over PostgreSQL. jOOQ stays inside this package;
 * {@code io.gale.store.jooq} is generated from the migrated schema ({@code -Pjooq-codegen}).
 */
package io.gale.store;
