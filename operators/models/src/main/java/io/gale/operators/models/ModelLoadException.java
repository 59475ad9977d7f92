package io.gale.operators.models;

/** A model version that could not be loaded or failed its smoke check; the message names it and why. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
