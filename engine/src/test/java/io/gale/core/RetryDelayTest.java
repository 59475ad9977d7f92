package io.gale.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryDelayTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void matchesAirflowsHashExactly() {
        // values computed with Airflow's formula in Python (sha1 of "dag#task#<str(logical_date)>#try")
        assertThat(RetryDelay.of(Duration.ofSeconds(10), true, null, "dag", "task", T, 1)).hasSeconds(12);
        assertThat(RetryDelay.of(Duration.ofSeconds(10), true, null, "dag", "task", T, 3)).hasSeconds(76);
        assertThat(RetryDelay.of(Duration.ofSeconds(300), true, null, "etl", "load",
                Instant.parse("2024-06-01T12:30:00Z"), 2)).hasSeconds(807);
    }

    @Test
    void exponentialDelaysFallInAirflowsRanges() {
        for (int tryNumber = 1; tryNumber <= 6; tryNumber++) {
            long low = 10L << (tryNumber - 1);
            for (String task : new String[] {"a", "b", "c", "d", "e"}) {
                long s = RetryDelay.of(Duration.ofSeconds(10), true, null, "dag", task, T, tryNumber).toSeconds();
                assertThat(s).as("try %d of %s", tryNumber, task).isBetween(low, 2 * low - 1);
            }
        }
    }

    @Test
    void cappedByMaxRetryDelayAndBy24Hours() {
        assertThat(RetryDelay.of(Duration.ofSeconds(10), true, Duration.ofSeconds(30), "dag", "task", T, 5)).hasSeconds(30);
        assertThat(RetryDelay.of(Duration.ofHours(10), true, null, "dag", "task", T, 4)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void plainDelayWithoutBackoff() {
        assertThat(RetryDelay.of(Duration.ofSeconds(7), false, null, "dag", "task", T, 4)).hasSeconds(7);
    }
}
