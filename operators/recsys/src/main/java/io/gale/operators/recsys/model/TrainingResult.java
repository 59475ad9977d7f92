package io.gale.operators.recsys.model;

import java.util.List;

/** Outcome of training: the model of the best validation epoch (epoch 0 = untrained) and the history. */
public record TrainingResult(RecVae bestModel, int bestEpoch, double bestValidationNdcg100,
                             List<EpochStats> history) {
    public TrainingResult {
        history = List.copyOf(history);
    }
}
