/** Benchmarks, run on demand (see the README). */
package io.gale.bench;
