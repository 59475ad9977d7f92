/** Gale's built-in operators. They use only {@link io.gale.api}, like any operator a user writes. */
package io.gale.operators;
