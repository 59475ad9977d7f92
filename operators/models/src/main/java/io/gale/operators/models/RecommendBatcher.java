package io.gale.operators.models;

import io.gale.operators.recsys.artifact.RecVaeRecommender;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Scores concurrent requests together: a worker takes the first waiting request and every other
 * one queued behind it (up to {@code maxBatch}) and answers them with one forward pass per model.
 * One user's forward pass is bound by reading the weights (about 10 MB for 3,497 items); a batch
 * reads them once. Nothing waits for a batch to fill: an idle server answers a lone request at once.
 * Each request carries the model it started with, so a swap never mixes versions in an answer.
 */
final class RecommendBatcher implements AutoCloseable {

    private record Job(RecVaeRecommender model, int[] known, int k, CompletableFuture<int[]> result) {
    }

    private static final Job STOP = new Job(null, null, 0, null);

    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final int maxBatch;

    RecommendBatcher(int workers, int maxBatch) {
        this.maxBatch = maxBatch;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "gale-serve-score-" + i);
            t.setDaemon(true);
            t.start();
            this.workers.add(t);
        }
    }

    /** The top k of {@code model} for a user who has {@code known} (raw ids the model knows). */
    int[] recommend(RecVaeRecommender model, int[] known, int k) throws InterruptedException {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        queue.add(new Job(model, known, k, f));
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void work() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - 1);
            } catch (InterruptedException e) {
                return;
            }
            Map<RecVaeRecommender, List<Job>> byModel = new IdentityHashMap<>();
            for (Job j : batch) {
                if (j == STOP) {
                    return;
                }
                byModel.computeIfAbsent(j.model(), m -> new ArrayList<>()).add(j);
            }
            byModel.forEach(this::score);
        }
    }

    private void score(RecVaeRecommender model, List<Job> jobs) {
        try {
            int[][] known = new int[jobs.size()][];
            int[] ks = new int[jobs.size()];
            for (int i = 0; i < known.length; i++) {
                known[i] = jobs.get(i).known();
                ks[i] = jobs.get(i).k();
            }
            int[][] top = model.recommend(known, ks);
            for (int i = 0; i < top.length; i++) {
                jobs.get(i).result().complete(top[i]);
            }
        } catch (RuntimeException e) {
            jobs.forEach(j -> j.result().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < workers.size(); i++) {
            queue.add(STOP);
        }
    }
}
