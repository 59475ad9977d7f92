/** Gale's settings, read from {@code GALE_*} environment variables. */
package io.gale.config;
