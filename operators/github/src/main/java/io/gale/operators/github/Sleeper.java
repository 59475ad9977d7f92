package io.gale.operators.github;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until a time of a {@link Clock}: rate-limit and back-off waits go through it so that tests
 * move a settable clock instead of waiting real minutes.
 */
@FunctionalInterface
public interface Sleeper {

    /** Returns once {@code until} has passed (at once when it already has). */
    void sleepUntil(Instant until) throws InterruptedException;

    /** Sleeps on the real clock, in steps of at most a second so that an interrupt ends it soon. */
    static Sleeper real(Clock clock) {
        return until -> {
            while (true) {
                long ms = Duration.between(clock.instant(), until).toMillis();
                if (ms <= 0) {
                    return;
                }
                Thread.sleep(Math.min(ms, 1000));
            }
        };
    }
}
