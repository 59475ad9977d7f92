package io.gale.api;

/**
 * The work a task does. The value returned is stored as the task's XCom {@code return_value}
 * (as JSON; {@code null} stores nothing). Throwing fails the try, which is retried while tries
 * remain; throw {@link SkipTask} to skip the task or {@link FailTask} to fail it without retrying.
 *
 * @param <O> the type of the returned value
 */
@FunctionalInterface
public interface Operator<O> {

    O execute(TaskContext ctx) throws Exception;
}
