package io.gale.core;

/** A request that clashes with what exists, e.g. a run id or logical date already used (REST 409). */
public class ConflictException extends GaleException {

    public ConflictException(String message) {
        super(message);
    }
}
