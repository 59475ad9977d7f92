package io.gale.api;

/** Thrown by an operator to end its task in state {@code skipped}. */
public class SkipTask extends RuntimeException {

    public SkipTask(String reason) {
        super(reason);
    }
}
