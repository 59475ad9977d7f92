package io.gale.api;

import java.util.List;

/** Several tasks at once, returned by a fan-out so that {@code a.then(b, c).then(d)} fans in. */
public record Tasks(List<Task> tasks) {

    public Tasks(Task... tasks) {
        this(List.of(tasks));
    }

    /** Makes {@code next} run after every task here; returns {@code next}. */
    public Task then(Task next) {
        next.after(tasks.toArray(Task[]::new));
        return next;
    }

    /** Makes every task of {@code next} run after every task here. */
    public Tasks then(Task... next) {
        for (Task n : next) {
            n.after(tasks.toArray(Task[]::new));
        }
        return new Tasks(next);
    }
}
