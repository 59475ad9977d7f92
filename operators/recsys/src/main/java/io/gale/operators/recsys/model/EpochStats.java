package io.gale.operators.recsys.model;

/**
 * One training epoch: mean batch loss of the encoder passes and of the decoder pass,
 * validation NDCG@100, and wall-clock seconds (training, and training plus validation).
 */
public record EpochStats(int epoch, double encoderLoss, double decoderLoss, double validationNdcg100,
                         double trainSeconds, double seconds) {
}
