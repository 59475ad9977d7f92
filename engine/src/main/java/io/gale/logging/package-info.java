/**
 * How Gale's processes log: plain text through slf4j-simple by default, or with
 * {@code GALE_LOG_FORMAT=json} one JSON object per line ({@link io.gale.logging.JsonLogProvider})
 * carrying the MDC's run, task and try ids. Task logs are kept per try in the database either way.
 */
package io.gale.logging;
