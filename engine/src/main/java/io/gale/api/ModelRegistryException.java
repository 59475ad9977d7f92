package io.gale.api;

/** A registry operation that cannot be done; the message names the model, the version and what to do. */
public class ModelRegistryException extends RuntimeException {
    public ModelRegistryException(String message) {
        super(message);
    }
}
