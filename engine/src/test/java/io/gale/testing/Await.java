package io.gale.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a timeout (never a bare sleep as synchronisation). */
public final class Await {

    private Await() {
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /**
     * For task bodies that give concurrency its chance: waits until {@code condition} holds (e.g.
     * another try runs at the same time) or {@code limit} passes, whichever comes first, and says
     * which. Not for synchronising a test with what it checks: use {@link #until} for that.
     */
    public static boolean atMost(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, 2_000_000L));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return true;
    }
}
