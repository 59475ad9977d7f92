package io.gale.web.api;

import io.gale.client.Operations;
import io.gale.edge.WorkerProtocol;
import io.gale.store.ChangeListener;
import io.gale.store.EdgeRepository.Claimed;
import io.gale.store.EdgeRepository.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims that wait for work (long polls): a claim that finds nothing is held, without a database
 * connection, until the database says tries were queued ({@link ChangeListener#EDGE_JOBS}, one
 * listening connection for the whole web server, opened with the first waiting claim), and is
 * claimed again then, every {@link #RECHECK} (notifications can be missed) and when its wait
 * ends; it is answered as soon as it claims a try, else empty when its wait ends. A worker has
 * one claim at a time: its next claim, or a heartbeat saying it starts or stops, answers its
 * waiting claim empty, and a waiting claim of a worker recorded as lost or stopped claims nothing.
 */
final class ClaimWaits implements AutoCloseable {

    /** How often waiting claims look again without a notification. */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private final Operations ops;
    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService timer;
    private volatile ExecutorService claims;
    private ChangeListener listener;
    private volatile boolean closed;

    /** A claim that waits; only {@link #run} answers it, so a try it claimed is always in its answer. */
    private static final class Waiter {
        final String worker;
        final List<String> queues;
        final int max;
        final long deadline;
        final CompletableFuture<List<Claimed>> answer = new CompletableFuture<>();
        final AtomicBoolean busy = new AtomicBoolean();
        volatile boolean again;
        volatile boolean cancelled;

        Waiter(String worker, List<String> queues, int max, long deadline) {
            this.worker = worker;
            this.queues = queues;
            this.max = max;
            this.deadline = deadline;
        }
    }

    ClaimWaits(Operations ops) {
        this.ops = ops;
    }

    /**
     * Claims up to {@code max} tries of {@code queues} for {@code worker}: now when some are
     * queued, else once some are, or nothing after {@code wait} ({@link WorkerProtocol#MAX_WAIT_MS} at most).
     */
    CompletableFuture<List<Claimed>> claim(String worker, List<String> queues, int max, Duration wait) {
        answerEmpty(worker); // a worker has one claim at a time: an earlier one is a call it gave up on
        long ms = Math.min(wait.toMillis(), WorkerProtocol.MAX_WAIT_MS);
        Waiter w = new Waiter(worker, queues, max, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
        start();
        waiting.add(w); // before the first claim: a notification during it makes it claim again
        wake(w);
        timer.schedule(() -> wake(w), ms, TimeUnit.MILLISECONDS);
        return w.answer;
    }

    /** Answers {@code worker}'s waiting claims empty (it starts, stops, or claims anew). */
    void answerEmpty(String worker) {
        for (Waiter w : waiting) {
            if (w.worker.equals(worker)) {
                w.cancelled = true;
                wake(w);
            }
        }
    }

    private synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the web server is stopping: claim again from another one");
        }
        if (timer != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        claims = Executors.newFixedThreadPool(4, r -> daemon(r, "gale-claim-wait-" + n.incrementAndGet()));
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gale-claim-wait-timer"));
        timer.scheduleWithFixedDelay(this::wakeAll, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        listener = new ChangeListener(ops.database(), ChangeListener.EDGE_JOBS, this::wakeAll);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void wakeAll() {
        waiting.forEach(this::wake);
    }

    /** Has {@code w} claimed again: now, or right after the claim it is making. */
    private void wake(Waiter w) {
        w.again = true;
        if (w.busy.compareAndSet(false, true)) {
            try {
                claims.execute(() -> run(w));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                w.busy.set(false);
                finish(w, List.of()); // closed
            }
        }
    }

    private void run(Waiter w) {
        try {
            while (w.again && !w.answer.isDone()) {
                w.again = false;
                boolean last = w.cancelled || closed || System.nanoTime() - w.deadline >= -TimeUnit.MILLISECONDS.toNanos(1);
                List<Claimed> claimed = w.cancelled || closed || !mayClaim(w.worker) ? List.of()
                        : ops.workers().claim(w.worker, w.queues, w.max);
                if (!claimed.isEmpty() || last) {
                    finish(w, claimed);
                }
            }
        } catch (RuntimeException e) {
            waiting.remove(w);
            w.answer.completeExceptionally(e);
        } finally {
            w.busy.set(false);
        }
        if (w.again && !w.answer.isDone()) {
            wake(w); // woken between its last look and letting go
        }
    }

    /** A worker recorded as lost or stopped claims nothing while its old call waits. */
    private boolean mayClaim(String worker) {
        return ops.workers().state(worker).map(s -> s == WorkerState.RUNNING).orElse(true);
    }

    private void finish(Waiter w, List<Claimed> claimed) {
        waiting.remove(w);
        w.answer.complete(claimed);
    }

    /** How many claims wait now. */
    int waiting() {
        return waiting.size();
    }

    /** Answers every waiting claim empty and stops listening. */
    @Override
    public synchronized void close() {
        closed = true;
        if (timer == null) {
            return;
        }
        listener.close();
        timer.shutdownNow();
        wakeAll();
        claims.shutdown();
        try {
            claims.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
