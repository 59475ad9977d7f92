package io.gale.operators.recsys.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A fixed set of worker slots: the calling thread plus {@code threads - 1} daemon threads. */
final class Parallel implements AutoCloseable {
    /** Body of a parallel loop: task index and the worker slot running it. */
    interface Task {
        void run(int task, int worker);
    }

    final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "recvae-worker");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Runs tasks 0 .. tasks-1, each worker slot pulling the next index; returns when all are done. */
    void forEach(int tasks, Task body) {
        int workers = Math.min(threads, tasks);
        if (workers <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.run(t, 0);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            int slot = w;
            futures.add(pool.submit(() -> drain(next, tasks, slot, body)));
        }
        RuntimeException failure = null;
        try {
            drain(next, tasks, 0, body);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void drain(AtomicInteger next, int tasks, int slot, Task body) {
        for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
            body.run(t, slot);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
