package io.gale.web;

import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.store.DagRunRepository.Scope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.BooleanSupplier;

/** A scheduler loop on a thread of the test's own process, until {@code stop}; what it reports or throws goes to {@code errors}. */
final class SchedulerThread {

    private SchedulerThread() {
    }

    static Thread start(Engine engine, Scheduler.Settings settings, BooleanSupplier stop, StringWriter errors) {
        Thread scheduler = new Thread(() -> {
            try {
                engine.runScheduler(settings, Scope.ALL, new PrintWriter(errors, true), stop, () -> { });
            } catch (Exception e) {
                e.printStackTrace(new PrintWriter(errors, true));
            }
        }, "test-scheduler");
        scheduler.start();
        return scheduler;
    }
}
