package io.gale.core;

import io.gale.api.TriggerRule;
import java.util.Collection;

/**
 * Airflow's trigger rule evaluation (airflow/ti_deps/deps/trigger_rule_dep.py): given the states
 * of a task's direct upstream tasks, whether it runs now, waits, is skipped or is upstream_failed.
 */
public final class TriggerRules {

    /** What the scheduler does with a task whose upstream states are known. */
    public enum Decision { WAIT, RUN, SKIP, UPSTREAM_FAILED }

    /** Counts of upstream states. */
    public record Counts(int upstream, int success, int skipped, int failed, int upstreamFailed, int removed, int done) {

        public static Counts of(Collection<TaskState> states) {
            int s = 0, sk = 0, f = 0, uf = 0, r = 0, d = 0;
            for (TaskState st : states) {
                switch (st) {
                    case SUCCESS -> s++;
                    case SKIPPED -> sk++;
                    case FAILED -> f++;
                    case UPSTREAM_FAILED -> uf++;
                    case REMOVED -> r++;
                    default -> { }
                }
                if (st.finished()) d++;
            }
            return new Counts(states.size(), s, sk, f, uf, r, d);
        }
    }

    private TriggerRules() {
    }

    public static Decision evaluate(TriggerRule rule, Counts c) {
        if (c.upstream() == 0 || rule == TriggerRule.ALWAYS) {
            return Decision.RUN;
        }
        boolean allDone = c.done() >= c.upstream();
        int failures = c.failed() + c.upstreamFailed();
        return switch (rule) {
            case ALL_SUCCESS -> {
                if (failures > 0) yield Decision.UPSTREAM_FAILED;
                if (c.skipped() > 0) yield Decision.SKIP;
                yield c.success() + c.removed() >= c.upstream() ? Decision.RUN : Decision.WAIT;
            }
            case ALL_FAILED -> {
                if (c.success() > 0 || c.skipped() > 0) yield Decision.SKIP;
                yield failures + c.removed() >= c.upstream() ? Decision.RUN : Decision.WAIT;
            }
            case ALL_DONE, ALL_DONE_SETUP_SUCCESS -> allDone ? Decision.RUN : Decision.WAIT;
            case ONE_SUCCESS -> {
                if (c.success() > 0) yield Decision.RUN;
                if (!allDone) yield Decision.WAIT;
                yield c.skipped() == c.done() ? Decision.SKIP : Decision.UPSTREAM_FAILED;
            }
            case ONE_FAILED -> {
                if (failures > 0) yield Decision.RUN;
                yield allDone ? Decision.SKIP : Decision.WAIT;
            }
            case ONE_DONE -> {
                if (c.success() + failures > 0) yield Decision.RUN;
                yield allDone ? Decision.SKIP : Decision.WAIT;
            }
            case NONE_FAILED -> {
                if (failures > 0) yield Decision.UPSTREAM_FAILED;
                yield allDone ? Decision.RUN : Decision.WAIT;
            }
            case NONE_FAILED_MIN_ONE_SUCCESS -> {
                if (failures > 0) yield Decision.UPSTREAM_FAILED;
                if (!allDone) yield Decision.WAIT;
                yield c.skipped() + c.removed() >= c.upstream() ? Decision.SKIP : Decision.RUN;
            }
            case NONE_SKIPPED -> {
                if (c.skipped() > 0) yield Decision.SKIP;
                yield allDone ? Decision.RUN : Decision.WAIT;
            }
            case ALL_SKIPPED -> {
                if (c.success() > 0 || failures > 0) yield Decision.SKIP;
                yield c.skipped() + c.removed() >= c.upstream() ? Decision.RUN : Decision.WAIT;
            }
            case ALWAYS -> Decision.RUN;
        };
    }
}
