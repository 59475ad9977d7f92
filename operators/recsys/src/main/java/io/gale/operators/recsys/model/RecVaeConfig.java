package io.gale.operators.recsys.model;

/**
 * Hyper-parameters of RecVAE. {@link #defaults()} gives the reference values (hidden 600,
 * latent 200, gamma 0.005, Adam lr 5e-4, batch 500, 50 epochs of 3 encoder passes with
 * dropout 0.5 and 1 decoder pass, LayerNorm eps 0.1, seed 1337). {@code threads} is the number
 * of worker threads a training step is split across.
 */
public record RecVaeConfig(int hiddenDim, int latentDim, double gamma, double learningRate,
                           int batchSize, int epochs, int encoderPasses, int decoderPasses,
                           double dropout, long seed, double layerNormEps, int threads) {

    public RecVaeConfig {
        if (hiddenDim < 1 || latentDim < 1 || batchSize < 1 || epochs < 0 || encoderPasses < 0
                || decoderPasses < 0 || threads < 1) {
            throw new IllegalArgumentException("invalid RecVAE configuration: " + this);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0,1): " + dropout);
        }
        if (!(learningRate > 0) || !(gamma >= 0) || !(layerNormEps > 0)) {
            throw new IllegalArgumentException("learningRate, gamma and layerNormEps must be positive");
        }
    }

    /** Reference hyper-parameters, one worker thread per available processor. */
    public static RecVaeConfig defaults() {
        return new RecVaeConfig(600, 200, 0.005, 5e-4, 500, 50, 3, 1, 0.5, 1337L, 0.1,
                Runtime.getRuntime().availableProcessors());
    }

    public RecVaeConfig withEpochs(int value) {
        return new RecVaeConfig(hiddenDim, latentDim, gamma, learningRate, batchSize, value,
                encoderPasses, decoderPasses, dropout, seed, layerNormEps, threads);
    }

    public RecVaeConfig withThreads(int value) {
        return new RecVaeConfig(hiddenDim, latentDim, gamma, learningRate, batchSize, epochs,
                encoderPasses, decoderPasses, dropout, seed, layerNormEps, value);
    }

    public RecVaeConfig withSeed(long value) {
        return new RecVaeConfig(hiddenDim, latentDim, gamma, learningRate, batchSize, epochs,
                encoderPasses, decoderPasses, dropout, value, layerNormEps, threads);
    }

    public RecVaeConfig withDimensions(int hidden, int latent) {
        return new RecVaeConfig(hidden, latent, gamma, learningRate, batchSize, epochs,
                encoderPasses, decoderPasses, dropout, seed, layerNormEps, threads);
    }

    public RecVaeConfig withBatchSize(int value) {
        return new RecVaeConfig(hiddenDim, latentDim, gamma, learningRate, value, epochs,
                encoderPasses, decoderPasses, dropout, seed, layerNormEps, threads);
    }

    public RecVaeConfig withLearningRate(double value) {
        return new RecVaeConfig(hiddenDim, latentDim, gamma, value, batchSize, epochs,
                encoderPasses, decoderPasses, dropout, seed, layerNormEps, threads);
    }
}
