package io.gale.core;

import static io.gale.core.TaskState.FAILED;
import static io.gale.core.TaskState.RUNNING;
import static io.gale.core.TaskState.SKIPPED;
import static io.gale.core.TaskState.SUCCESS;
import static io.gale.core.TaskState.UPSTREAM_FAILED;
import static io.gale.core.TriggerRules.Decision.RUN;
import static io.gale.core.TriggerRules.Decision.SKIP;
import static io.gale.core.TriggerRules.Decision.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.TriggerRule;
import io.gale.core.TriggerRules.Counts;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerRulesTest {

    private static TriggerRules.Decision eval(TriggerRule r, TaskState... upstream) {
        return TriggerRules.evaluate(r, Counts.of(List.of(upstream)));
    }

    @Test
    void oneFailedAndOneSuccessFireWithoutWaitingForTheOthers() {
        assertThat(eval(TriggerRule.ONE_FAILED, FAILED, RUNNING)).isEqualTo(RUN);
        assertThat(eval(TriggerRule.ONE_FAILED, UPSTREAM_FAILED, RUNNING)).isEqualTo(RUN);
        assertThat(eval(TriggerRule.ONE_SUCCESS, SUCCESS, RUNNING)).isEqualTo(RUN);
        assertThat(eval(TriggerRule.ONE_DONE, FAILED, RUNNING)).isEqualTo(RUN);
    }

    @Test
    void waitingWhileUpstreamsRun() {
        for (TriggerRule r : List.of(TriggerRule.ALL_SUCCESS, TriggerRule.ALL_DONE, TriggerRule.NONE_FAILED,
                TriggerRule.ONE_FAILED, TriggerRule.ALL_FAILED, TriggerRule.NONE_SKIPPED)) {
            assertThat(eval(r, SUCCESS, RUNNING)).as(r.id()).isIn(WAIT, SKIP);
        }
        assertThat(eval(TriggerRule.ALL_SUCCESS, SUCCESS, RUNNING)).isEqualTo(WAIT);
        assertThat(eval(TriggerRule.ALL_FAILED, SUCCESS, RUNNING)).isEqualTo(SKIP);
    }

    @Test
    void upstreamFailedCountsAsFailed() {
        assertThat(eval(TriggerRule.ALL_FAILED, FAILED, UPSTREAM_FAILED)).isEqualTo(RUN);
        assertThat(eval(TriggerRule.ALL_SUCCESS, SUCCESS, UPSTREAM_FAILED)).isEqualTo(TriggerRules.Decision.UPSTREAM_FAILED);
    }

    @Test
    void alwaysIgnoresUpstreams() {
        assertThat(eval(TriggerRule.ALWAYS, RUNNING, TaskState.NONE)).isEqualTo(RUN);
    }

    @Test
    void oneSuccessWithAllSkippedSkips() {
        assertThat(eval(TriggerRule.ONE_SUCCESS, SKIPPED, SKIPPED)).isEqualTo(SKIP);
        assertThat(eval(TriggerRule.ONE_SUCCESS, SKIPPED, FAILED)).isEqualTo(TriggerRules.Decision.UPSTREAM_FAILED);
    }
}
