package io.gale.core;

/** A request Gale cannot carry out, with a message for the person who made it. */
public class GaleException extends RuntimeException {

    public GaleException(String message) {
        super(message);
    }

    public GaleException(String message, Throwable cause) {
        super(message, cause);
    }
}
