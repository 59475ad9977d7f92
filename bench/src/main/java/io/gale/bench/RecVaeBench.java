package io.gale.bench;

import io.gale.operators.recsys.model.EpochStats;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.model.Gemm;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.model.RecVaeTrainer;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.model.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark: trains RecVAE on the ML-1M split and prints per-epoch loss, validation NDCG@100
 * and seconds, then the median seconds per epoch, best epoch, test metrics, peak RSS and BLAS.
 * Options: {@code --epochs N} (50), {@code --data DIR}, {@code --threads T},
 * {@code --blas auto|java|native}, {@code --out DIR} (save the best model there).
 * Run with {@code --add-modules jdk.incubator.vector} for the fast Java BLAS path.
 */
public final class RecVaeBench {
    private RecVaeBench() {
    }

    public static void main(String[] args) throws IOException {
        int epochs = 50;
        Path data = null;
        Path out = null;
        RecVaeConfig config = RecVaeConfig.defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--epochs" -> epochs = Integer.parseInt(require(a, v));
                case "--data" -> data = Path.of(require(a, v));
                case "--threads" -> config = config.withThreads(Integer.parseInt(require(a, v)));
                case "--blas" -> System.setProperty("gale.recvae.blas", require(a, v));
                case "--out" -> out = Path.of(require(a, v));
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (expected --epochs, --data, --threads, --blas, --out)");
            }
            i++;
        }
        config = config.withEpochs(epochs);
        if (data == null) {
            data = SharedData.ml1m().orElseThrow(() -> new IllegalStateException(
                    "ML-1M split not found; pass --data DIR or set GALE_SHARED_DATA"));
        }
        long t0 = System.nanoTime();
        Split split = Split.read(data);
        System.out.printf(Locale.ROOT, "data %s: %d train users, %d interactions, %d items (read in %.1f s)%n",
                data, split.train().rows(), split.train().nnz(), split.numItems(), (System.nanoTime() - t0) / 1e9);
        System.out.println("config: " + config);
        System.out.println("epoch  enc_loss   dec_loss   val_ndcg@100  train_s  total_s  cpu_s");
        long[] cpu = {processCpuNanos()};
        TrainingResult result;
        EvaluationResult test;
        try (RecVaeTrainer trainer = new RecVaeTrainer(config)) {
            System.out.println("BLAS: " + Gemm.implementation() + " (saxpy " + Gemm.axpyImplementation()
                    + "), worker threads: " + trainer.threads() + ", OPENBLAS_NUM_THREADS="
                    + System.getenv("OPENBLAS_NUM_THREADS"));
            result = trainer.fit(split.train(), split.validationIn(), split.validationOut(), s ->
            {
                long now = processCpuNanos();
                System.out.printf(Locale.ROOT, "%5d  %9.3f  %9.3f  %12.4f  %7.2f  %7.2f  %5.2f%n", s.epoch(),
                        s.encoderLoss(), s.decoderLoss(), s.validationNdcg100(), s.trainSeconds(), s.seconds(),
                        (now - cpu[0]) / 1e9);
                cpu[0] = now;
            });
            test = trainer.evaluate(result.bestModel(), split.testIn(), split.testOut());
        }
        List<EpochStats> h = result.history();
        System.out.printf(Locale.ROOT, "median s/epoch: %.2f (training only %.2f) over %d epochs%n",
                median(h.stream().mapToDouble(EpochStats::seconds).toArray()),
                median(h.stream().mapToDouble(EpochStats::trainSeconds).toArray()), h.size());
        System.out.printf(Locale.ROOT, "best epoch: %d (validation NDCG@100 %.4f)%n",
                result.bestEpoch(), result.bestValidationNdcg100());
        System.out.printf(Locale.ROOT, "test (%d users): NDCG@100 %.4f  Recall@20 %.4f  Recall@50 %.4f%n",
                test.users(), test.ndcg100(), test.recall20(), test.recall50());
        System.out.println("peak RSS: " + peakRss());
        System.out.println("BLAS implementation: " + Gemm.implementation() + " (saxpy: "
                + Gemm.axpyImplementation() + ")");
        if (out != null) {
            Path file = RecVaeArtifacts.save(out, result.bestModel(), split.itemIds(), test, result);
            System.out.println("saved " + file);
        }
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** CPU time of the whole process (all threads), or 0 when unavailable. */
    static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    /** VmHWM from /proc/self/status, or "unknown". */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%d MiB (VmHWM %d kB)", kb / 1024, kb);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

}
