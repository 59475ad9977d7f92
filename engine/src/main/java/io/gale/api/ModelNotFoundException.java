package io.gale.api;

/** No such model, or no such version of it. */
public final class ModelNotFoundException extends ModelRegistryException {
    public ModelNotFoundException(String message) {
        super(message);
    }
}
