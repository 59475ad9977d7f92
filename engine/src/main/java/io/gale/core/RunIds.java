package io.gale.core;

import java.util.regex.Pattern;

/**
 * Run ids as Airflow 3 allows them (its default {@code [scheduler] allowed_run_id_pattern}
 * {@code ^[A-Za-z0-9_.~:+-]+$}, at most 250 characters), and never {@code .} or {@code ..}.
 */
public final class RunIds {

    /** The longest run id (Airflow's {@code ID_LEN}). */
    public static final int MAX_LENGTH = 250;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.~:+\\-]+");

    private RunIds() {
    }

    /** Returns {@code runId} if it is a valid run id, else throws a one-line {@link BadRequestException}. */
    public static String validate(String runId) {
        if (runId == null || runId.isEmpty()) {
            throw new BadRequestException("run id must not be empty");
        }
        if (runId.length() > MAX_LENGTH) {
            throw new BadRequestException("run id '" + Text.abbreviate(runId, 40) + "' is " + runId.length()
                    + " characters long: use at most " + MAX_LENGTH);
        }
        if (!ALLOWED.matcher(runId).matches()) {
            throw new BadRequestException("run id '" + Text.abbreviate(runId, 80)
                    + "' has characters run ids cannot have: use letters, digits and _ . ~ : + - only");
        }
        if (runId.equals(".") || runId.equals("..")) {
            throw new BadRequestException("run id '" + runId + "' is not allowed: use letters or digits too");
        }
        return runId;
    }
}
