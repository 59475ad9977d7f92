/** {@code gale serve}: the model server as a command. */
package io.gale.operators.models.cli;
