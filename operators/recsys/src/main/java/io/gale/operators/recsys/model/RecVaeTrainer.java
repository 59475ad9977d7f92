package io.gale.operators.recsys.model;

import io.gale.operators.recsys.data.CsrMatrix;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.eval.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains RecVAE as the reference run.py (master): each epoch runs {@code encoderPasses} shuffled
 * passes updating only the encoder (dropout on), refreshes the frozen prior encoder, runs
 * {@code decoderPasses} passes updating only the decoder (dropout 0, z still sampled), then
 * scores the validation users; the model of the best validation NDCG@100 is kept.
 * Each batch is split across {@code config.threads()} worker threads, each calling BLAS
 * single-threaded; when a native OpenBLAS may start its own threads (OPENBLAS_NUM_THREADS unset
 * or not 1) one worker is used instead, to avoid oversubscribing the cores. Set
 * {@code OPENBLAS_NUM_THREADS=1} for the fastest native setup.
 */
public final class RecVaeTrainer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecVaeTrainer.class.getName());

    private final RecVaeConfig config;
    private final int threads;
    private final Parallel parallel;

    public RecVaeTrainer(RecVaeConfig config) {
        this.config = config;
        if (config.threads() > 1 && Gemm.nativeMultithreaded()) {
            LOG.log(System.Logger.Level.WARNING, "native BLAS with its own threads (OPENBLAS_NUM_THREADS is not 1):"
                    + " using 1 worker thread instead of " + config.threads());
            this.threads = 1;
        } else {
            this.threads = config.threads();
        }
        this.parallel = new Parallel(threads);
    }

    /** Worker threads actually used (see the class comment). */
    public int threads() {
        return threads;
    }

    /** Trains a new model on the rows of {@code train}; validation drives the choice of epoch. */
    public TrainingResult fit(CsrMatrix train, CsrMatrix validIn, CsrMatrix validOut,
                              Consumer<EpochStats> listener) {
        Metrics.check(validIn, validOut);
        if (train.nnz() == 0) {
            throw new IllegalArgumentException("training matrix " + train + " has no interactions");
        }
        if (validIn.cols() != train.cols()) {
            throw new IllegalArgumentException("validation has " + validIn.cols() + " items, training "
                    + train.cols());
        }
        return new Run(new RecVae(train.cols(), config), train, validIn, validOut, listener).train();
    }

    /** Mean metrics of a model on fold-in / held-out users, scored on the worker threads. */
    public EvaluationResult evaluate(RecVae model, CsrMatrix foldIn, CsrMatrix heldOut) {
        Metrics.check(foldIn, heldOut);
        int block = blockRows();
        Workspace[] ws = workspaces(model.items, block);
        float[] values = RecVae.normalisedValues(foldIn);
        int blocks = (foldIn.rows() + block - 1) / block;
        double[][] sums = new double[threads][4];
        float[][] scoreBlocks = new float[threads][block * model.items];
        parallel.forEach(blocks, (b, w) -> {
            int from = b * block;
            int rows = Math.min(block, foldIn.rows() - from);
            float[] scores = scoreBlocks[w];
            ws[w].score(model, foldIn.indptr(), foldIn.indices(), values, from, rows, scores, 0);
            for (int r = 0; r < rows; r++) {
                Metrics.add(sums[w], Metrics.userMetrics(scores, r * model.items, foldIn, heldOut, from + r));
            }
        });
        double[] total = new double[4];
        for (double[] s : sums) {
            for (int i = 0; i < 4; i++) {
                total[i] += s[i];
            }
        }
        return Metrics.result(total);
    }

    private int blockRows() {
        return (config.batchSize() + threads - 1) / threads;
    }

    private Workspace[] workspaces(int items, int rows) {
        Workspace[] ws = new Workspace[threads];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = new Workspace(rows, items, config.hiddenDim(), config.latentDim());
        }
        return ws;
    }

    @Override
    public void close() {
        parallel.close();
    }

    /** State of one training run. */
    private final class Run {
        final RecVae model;
        final CsrMatrix train;
        final CsrMatrix validIn;
        final CsrMatrix validOut;
        final Consumer<EpochStats> listener;
        final int threads = RecVaeTrainer.this.threads;
        final int latent = config.latentDim();
        final Workspace[] ws;
        final Encoder[] gEnc;
        final Decoder[] gDec;
        final Adam encoderAdam;
        final Adam decoderAdam;
        final SplittableRandom rng = new SplittableRandom(config.seed() * 31 + 7);
        final float[] priorMu;
        final float[] priorLogvar;
        final float[] counts;
        final float[] trainValues;

        Run(RecVae model, CsrMatrix train, CsrMatrix validIn, CsrMatrix validOut, Consumer<EpochStats> listener) {
            this.model = model;
            this.train = train;
            this.validIn = validIn;
            this.validOut = validOut;
            this.listener = listener;
            int items = model.items;
            ws = workspaces(items, blockRows());
            gEnc = new Encoder[threads];
            gDec = new Decoder[threads];
            for (int t = 0; t < threads; t++) {
                gEnc[t] = new Encoder(items, config.hiddenDim(), latent);
                gDec[t] = new Decoder(items, latent);
            }
            encoderAdam = new Adam(model.encoder.tensors(), config.learningRate());
            decoderAdam = new Adam(model.decoder.tensors(), config.learningRate());
            priorMu = new float[train.rows() * latent];
            priorLogvar = new float[train.rows() * latent];
            counts = new float[train.rows()];
            for (int u = 0; u < train.rows(); u++) {
                counts[u] = train.rowNnz(u);
            }
            trainValues = RecVae.normalisedValues(train);
        }

        TrainingResult train() {
            List<EpochStats> history = new ArrayList<>();
            RecVae best = model.copy();
            int bestEpoch = 0;
            double bestNdcg = Double.NEGATIVE_INFINITY;
            computePrior();
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double encLoss = 0;
                for (int pass = 0; pass < config.encoderPasses(); pass++) {
                    encLoss += pass(RecVae.Phase.ENCODER, (float) config.dropout());
                }
                encLoss /= Math.max(1, config.encoderPasses());
                model.refreshPrior();
                computePrior();
                double decLoss = 0;
                for (int pass = 0; pass < config.decoderPasses(); pass++) {
                    decLoss += pass(RecVae.Phase.DECODER, 0f);
                }
                decLoss /= Math.max(1, config.decoderPasses());
                long t1 = System.nanoTime();
                double ndcg = evaluate(model, validIn, validOut).ndcg100();
                long t2 = System.nanoTime();
                // without scorable validation users (NaN) the last epoch is kept
                if (ndcg > bestNdcg || Double.isNaN(ndcg)) {
                    bestNdcg = ndcg;
                    bestEpoch = epoch;
                    best = model.copy();
                }
                EpochStats stats = new EpochStats(epoch, encLoss, decLoss, ndcg, (t1 - t0) / 1e9, (t2 - t0) / 1e9);
                history.add(stats);
                if (listener != null) {
                    listener.accept(stats);
                }
            }
            if (config.epochs() == 0) {
                bestNdcg = evaluate(model, validIn, validOut).ndcg100();
            }
            return new TrainingResult(best, bestEpoch, bestNdcg, history);
        }

        /** Posterior of the frozen prior encoder (dropout 0) for every training user. */
        void computePrior() {
            int block = blockRows();
            int blocks = (train.rows() + block - 1) / block;
            parallel.forEach(blocks, (b, w) -> {
                int from = b * block;
                int rows = Math.min(block, train.rows() - from);
                ws[w].encode(model.priorEncoder, model.lnEps, train.indptr(), train.indices(), trainValues, from, rows);
                System.arraycopy(ws[w].mu, 0, priorMu, from * latent, rows * latent);
                System.arraycopy(ws[w].lv, 0, priorLogvar, from * latent, rows * latent);
            });
        }

        /** One shuffled pass; returns the mean batch loss. */
        double pass(RecVae.Phase phase, float dropout) {
            int n = train.rows();
            if (perm.length != n) {
                perm = new int[n];
            }
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            double lossSum = 0;
            int batches = 0;
            for (int from = 0; from < n; from += config.batchSize()) {
                int to = Math.min(n, from + config.batchSize());
                lossSum += step(batch(perm, from, to - from, dropout), phase);
                batches++;
            }
            return lossSum / batches;
        }

        /** Batch buffers, reused across batches (grown when a batch needs more). */
        int[] perm = new int[0];
        int[] users = new int[0];
        int[] bIndptr = new int[0];
        int[] bIndices = new int[0];
        float[] bValues = new float[0];
        float[] bCounts = new float[0];
        float[] bEps = new float[0];
        float[] bPriorMu = new float[0];
        float[] bPriorLogvar = new float[0];

        BatchInput batch(int[] perm, int from, int rows, float dropout) {
            if (users.length < rows) {
                users = new int[rows];
                bIndptr = new int[rows + 1];
                bCounts = new float[rows];
                bEps = new float[rows * latent];
                bPriorMu = new float[rows * latent];
                bPriorLogvar = new float[rows * latent];
            }
            System.arraycopy(perm, from, users, 0, rows);
            int nnz = 0;
            for (int r = 0; r < rows; r++) {
                nnz += train.rowNnz(users[r]);
            }
            if (bIndices.length < nnz) {
                bIndices = new int[nnz];
                bValues = new float[nnz];
            }
            int[] ptr = train.indptr();
            float keepScale = 1f / (1f - dropout);
            bIndptr[0] = 0;
            for (int r = 0; r < rows; r++) {
                int u = users[r];
                int len = ptr[u + 1] - ptr[u];
                int p0 = bIndptr[r];
                System.arraycopy(train.indices(), ptr[u], bIndices, p0, len);
                bIndptr[r + 1] = p0 + len;
                bCounts[r] = counts[u];
                float base = (float) (1.0 / Math.sqrt(bCounts[r]));
                for (int p = p0; p < p0 + len; p++) {
                    if (dropout == 0f) {
                        bValues[p] = base;
                    } else {
                        bValues[p] = rng.nextDouble() < dropout ? 0f : base * keepScale;
                    }
                }
            }
            for (int i = 0; i < rows * latent; i++) {
                bEps[i] = (float) rng.nextGaussian();
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(priorMu, users[r] * latent, bPriorMu, r * latent, latent);
                System.arraycopy(priorLogvar, users[r] * latent, bPriorLogvar, r * latent, latent);
            }
            return new BatchInput(rows, bIndptr, bIndices, bValues, bCounts, bEps, bPriorMu, bPriorLogvar);
        }

        double step(BatchInput in, RecVae.Phase phase) {
            int rows = in.rows();
            int workers = Math.min(threads, rows);
            double[][] parts = new double[workers][];
            parallel.forEach(workers, (t, w) -> {
                int r0 = (int) ((long) rows * t / workers);
                int r1 = (int) ((long) rows * (t + 1) / workers);
                ParamGroup g = phase == RecVae.Phase.DECODER ? gDec[t] : gEnc[t];
                g.zero();
                parts[t] = ws[w].step(model, in, r0, r1 - r0, rows, phase, gEnc[t], gDec[t]);
            });
            List<ParamGroup> groups = new ArrayList<>();
            for (int t = 0; t < workers; t++) {
                groups.add(phase == RecVae.Phase.DECODER ? gDec[t] : gEnc[t]);
            }
            reduce(groups);
            if (phase == RecVae.Phase.DECODER) {
                decoderAdam.step(gDec[0].tensors(), parallel);
            } else {
                encoderAdam.step(gEnc[0].tensors(), parallel);
            }
            double mll = 0;
            double kl = 0;
            for (double[] p : parts) {
                mll += p[0];
                kl += p[1];
            }
            return -(mll - kl) / rows;
        }

        /** Sums the gradients of all workers into the first, in parallel chunks. */
        void reduce(List<ParamGroup> groups) {
            if (groups.size() < 2) {
                return;
            }
            List<float[]> dst = groups.get(0).tensors();
            int chunks = threads;
            parallel.forEach(chunks, (chunk, w) -> {
                for (int i = 0; i < dst.size(); i++) {
                    float[] d = dst.get(i);
                    int from = (int) ((long) d.length * chunk / chunks);
                    int to = (int) ((long) d.length * (chunk + 1) / chunks);
                    for (int g = 1; g < groups.size(); g++) {
                        float[] s = groups.get(g).tensors().get(i);
                        for (int k = from; k < to; k++) {
                            d[k] += s[k];
                        }
                    }
                }
            });
        }
    }
}
