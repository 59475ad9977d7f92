package io.gale.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The ends an executor has to report, for {@link Executor#poll}: added from any thread, taken by
 * the scheduler's thread, which {@link #wakeUp} releases from its wait without an event.
 */
public final class TaskEvents {

    private static final TaskEvent WAKE_UP = new TaskEvent(null, 0, null, null, null, null, null, null);

    private final LinkedBlockingQueue<TaskEvent> queue = new LinkedBlockingQueue<>();

    public void add(TaskEvent event) {
        queue.add(event);
    }

    /** Makes a thread blocked in {@link #poll} return. */
    public void wakeUp() {
        queue.add(WAKE_UP);
    }

    /** The ends added since the last call, waiting up to {@code timeout} for the first one (or a wake-up). */
    public List<TaskEvent> poll(Duration timeout) throws InterruptedException {
        List<TaskEvent> out = new ArrayList<>();
        TaskEvent first = timeout.isZero() ? queue.poll() : queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (first != null) {
            out.add(first);
            queue.drainTo(out);
        }
        out.removeIf(e -> e == WAKE_UP);
        return out;
    }
}
