package io.gale.api;

import java.util.Map;

/**
 * Where a training task reports its curve: one call per finished epoch, stored at once in the
 * metadata database for this try of the task instance, so the curve is visible while training
 * runs and belongs to the model version the run registers. Reached through
 * {@link TaskContext#trainingMetrics()}.
 */
public interface TrainingMetrics {

    /**
     * Records epoch {@code epoch} (1 for the first): its metrics by name (for example {@code loss},
     * {@code validation_ndcg100}) and its wall-clock seconds. Reporting an epoch again in the same
     * try replaces it.
     *
     * @throws IllegalArgumentException when the epoch is below 1 or a metric name is empty
     */
    void epoch(int epoch, Map<String, Double> metrics, double seconds);
}
