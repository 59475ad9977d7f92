package io.gale.cli;

import io.gale.client.GaleClient;
import io.gale.executor.LocalExecutor;
import io.gale.scheduler.Scheduler;
import io.gale.store.ChangeListener;
import io.gale.store.ConnectionErrors;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.StoreException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Runs a scheduler loop in this process until it is told to stop (Ctrl-C) or {@code done}
 * says so; then lets running tries finish (30 s at most) and records the rest as interrupted.
 * A database outage does not end it: the scheduler waits for the database (and logs it), and
 * {@code done} and {@code everyLoop} failing for a lost connection count as "not done yet".
 */
final class SchedulerLoop {

    private SchedulerLoop() {
    }

    static void run(GaleClient client, Scheduler.Settings settings, Scope scope, PrintWriter err,
                    BooleanSupplier done, Runnable everyLoop) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        try (LocalExecutor executor = client.newExecutor();
             Scheduler scheduler = client.newScheduler(executor, settings);
             ChangeListener ignored = new ChangeListener(client.database(), scheduler::wakeUp);
             var processor = client.dagProcessor();
             AutoCloseable watcher = client.config().standaloneDagProcessor() ? () -> { }
                     : processor.every(client.config().dagDirListInterval(),
                             e -> err.println("Error: reading the dags folder: " + shortMessage(e)))) {
            Thread hook = new Thread(() -> {
                stop.set(true);
                scheduler.wakeUp();
                try {
                    finished.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "gale-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (settings.createRuns()) {
                    scheduler.refreshNextRuns();
                }
                while (!stop.get() && !unlessUnreachable(done::getAsBoolean, false)) {
                    scheduler.runOnce(scope, Duration.ofSeconds(1));
                    unlessUnreachable(() -> {
                        everyLoop.run();
                        return true;
                    }, false);
                }
                try {
                    scheduler.shutdown(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    if (!ConnectionErrors.isConnectionLoss(e)) {
                        throw e;
                    }
                    throw new StoreException("database unreachable while stopping (" + ConnectionErrors.reason(e)
                            + "); tries not recorded are taken over by the next scheduler", e);
                }
            } finally {
                if (!stop.get()) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        } finally {
            if (stop.get()) {
                client.close();
            }
            finished.countDown();
        }
    }

    /** {@code check}'s answer, or {@code whenUnreachable} while the database cannot be reached (the scheduler logs that). */
    private static boolean unlessUnreachable(BooleanSupplier check, boolean whenUnreachable) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            if (!ConnectionErrors.isConnectionLoss(e)) {
                throw e;
            }
            return whenUnreachable;
        }
    }

    private static String shortMessage(Throwable e) {
        return ConnectionErrors.isConnectionLoss(e) ? "database unreachable (" + ConnectionErrors.reason(e) + ")" : e.getMessage();
    }
}
