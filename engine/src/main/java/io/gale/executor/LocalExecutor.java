package io.gale.executor;

import io.gale.store.TaskInstanceRepository.ProcessGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs tries on a fixed pool of threads in this process. */
public final class LocalExecutor implements Executor {

    private final int parallelism;
    private final TaskRunner runner;
    private final ExecutorService pool;
    private final io.gale.executor.TaskEvents events = new io.gale.executor.TaskEvents();
    private final AtomicInteger running = new AtomicInteger();
    private final java.util.concurrent.ConcurrentLinkedQueue<ProcessGroup> groups = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public LocalExecutor(int parallelism, TaskRunner runner) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        this.runner = runner;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "gale-executor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void submit(TaskWorkload workload) {
        running.incrementAndGet();
        pool.execute(() -> {
            TaskEvent event;
            try {
                event = runner.run(workload, group -> {
                    groups.add(new ProcessGroup(workload.key(), workload.tryNumber(), group));
                    wakeUp();
                });
            } finally {
                running.decrementAndGet();
            }
            events.add(event);
        });
    }

    @Override
    public int openSlots() {
        return parallelism - running.get();
    }

    @Override
    public int running() {
        return running.get();
    }

    @Override
    public List<TaskEvent> poll(Duration timeout) throws InterruptedException {
        return events.poll(timeout);
    }

    @Override
    public List<ProcessGroup> processGroups() {
        List<ProcessGroup> out = new ArrayList<>();
        for (ProcessGroup g; (g = groups.poll()) != null; ) {
            out.add(g);
        }
        return out;
    }

    @Override
    public void wakeUp() {
        events.wakeUp();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
