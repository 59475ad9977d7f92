/** What the CLI and the REST API share: Gale's operations over the store and the DagBag. */
package io.gale.client;
