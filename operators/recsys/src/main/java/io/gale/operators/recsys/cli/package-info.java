/**
 * {@code gale recvae}: train, evaluate and query RecVAE models from the command line, without the
 * metadata database. Added to the assembled {@code gale} command by the application's entry point.
 */
package io.gale.operators.recsys.cli;
