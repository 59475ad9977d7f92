package io.gale.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.core.RunIds;
import io.gale.core.TaskKey;
import org.junit.jupiter.api.Test;

/** The run id a task on a worker gets when it triggers a DAG without naming one: per try, always a valid run id. */
class TriggeredRunIdTest {

    @Test
    void namesTheTryAndStaysAValidRunIdForTheLongestIds() {
        TaskKey key = new TaskKey("etl", "scheduled__2026-06-01T00:00:00+00:00", "kick");
        assertThat(Workers.triggeredRunId(key, 2)).isEqualTo("triggered__etl__scheduled__2026-06-01T00:00:00+00:00__kick__try2");
        assertThat(Workers.triggeredRunId(key, 3)).isNotEqualTo(Workers.triggeredRunId(key, 2));

        TaskKey longest = new TaskKey("d".repeat(250), "r".repeat(250), "t".repeat(250));
        String id = Workers.triggeredRunId(longest, 1);
        assertThat(RunIds.validate(id)).isEqualTo(id).startsWith("triggered__").hasSizeLessThanOrEqualTo(RunIds.MAX_LENGTH);
        assertThat(Workers.triggeredRunId(longest, 1)).as("the same try, the same id").isEqualTo(id);
        assertThat(Workers.triggeredRunId(longest, 2)).isNotEqualTo(id);
    }
}
