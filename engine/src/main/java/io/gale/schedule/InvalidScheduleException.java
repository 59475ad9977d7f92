package io.gale.schedule;

/**
 * Thrown when a schedule string or interval cannot be turned into a {@link Timetable}. The message
 * is one line naming the expression and what is wrong with it.
 */
public class InvalidScheduleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String expression;
    private final String problem;

    /**
     * @param expression the schedule as written
     * @param problem what is wrong with it
     */
    public InvalidScheduleException(String expression, String problem) {
        super("invalid schedule '" + expression + "': " + problem);
        this.expression = expression;
        this.problem = problem;
    }

    /** The schedule as written. */
    public String expression() {
        return expression;
    }

    /** What is wrong with the schedule, without the expression. */
    public String problem() {
        return problem;
    }
}
