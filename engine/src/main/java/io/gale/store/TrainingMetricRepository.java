package io.gale.store;

import io.gale.core.TaskKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Training curves: the metrics a training task reported per epoch, per try of the task instance. */
public interface TrainingMetricRepository {

    /** One epoch as reported: its metrics by name (finite values only) and its seconds (null when not given). */
    record Epoch(int epoch, Map<String, Double> metrics, Double seconds, Instant recordedAt) {
        public Epoch {
            metrics = Map.copyOf(metrics);
        }
    }

    /** The epochs one try of a task reported, by epoch. */
    record Curve(String taskId, int tryNumber, List<Epoch> epochs) {
        public Curve {
            epochs = List.copyOf(epochs);
        }
    }

    /**
     * Records (or replaces) an epoch of a try. Metrics that are not finite (NaN, infinite) are left
     * out, since JSON cannot hold them.
     */
    void record(TaskKey task, int tryNumber, int epoch, Map<String, Double> metrics, double seconds);

    /** The curves of a DAG run: per task that reported any, that of its latest try, by task id. */
    List<Curve> forRun(String dagId, String runId);
}
