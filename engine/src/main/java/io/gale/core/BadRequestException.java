package io.gale.core;

/** Malformed input from a user, e.g. conf that is not a JSON object (REST 400). */
public class BadRequestException extends GaleException {

    public BadRequestException(String message) {
        super(message);
    }
}
