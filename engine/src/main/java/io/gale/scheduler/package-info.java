/**
 * The scheduler loop: it owns every state change. It starts queued runs, decides which task
 * instances are ready (trigger rules, retry times, limits), hands them to the executor, and
 * records the executor's events.
 */
package io.gale.scheduler;
