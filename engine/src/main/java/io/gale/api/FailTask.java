package io.gale.api;

/** Thrown by an operator to fail its task at once, without using the remaining retries. */
public class FailTask extends RuntimeException {

    public FailTask(String reason) {
        super(reason);
    }

    public FailTask(String reason, Throwable cause) {
        super(reason, cause);
    }
}
