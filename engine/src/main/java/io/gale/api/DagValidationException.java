package io.gale.api;

/**
 * A DAG that cannot be built: a cycle, an unknown or duplicate task id, an invalid id, a missing
 * timezone, a malformed schedule. The message names the DAG, the task and the problem.
 */
public class DagValidationException extends RuntimeException {

    public DagValidationException(String message) {
        super(message);
    }
}
