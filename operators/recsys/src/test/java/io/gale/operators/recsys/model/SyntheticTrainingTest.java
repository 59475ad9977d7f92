package io.gale.operators.recsys.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.operators.recsys.data.CsrMatrix;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.eval.Metrics;
import io.gale.operators.recsys.eval.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Planted structure: users of a cluster prefer that cluster's items. RecVAE must beat popularity. */
class SyntheticTrainingTest {
    static CsrMatrix plantedClusters(int users, int items, int clusters, Random rng) {
        List<int[]> pairs = new ArrayList<>();
        int perCluster = items / clusters;
        for (int u = 0; u < users; u++) {
            int k = u % clusters;
            int n = 10 + rng.nextInt(10);
            for (int j = 0; j < n; j++) {
                int item;
                if (rng.nextDouble() < 0.8) {
                    item = k * perCluster + rng.nextInt(perCluster);
                } else {
                    // noise, skewed towards low ids: a popular head
                    item = (int) (items * Math.pow(rng.nextDouble(), 2));
                }
                pairs.add(new int[] {u, item});
            }
        }
        int[] r = pairs.stream().mapToInt(p -> p[0]).toArray();
        int[] c = pairs.stream().mapToInt(p -> p[1]).toArray();
        return CsrMatrix.fromPairs(users, items, r, c);
    }

    @Test
    void workerThreadCountDoesNotChangeTheTrainingBeyondRounding() {
        CsrMatrix m = plantedClusters(300, 60, 4, new Random(2));
        Split split = Split.strongGeneralization(m, new Split.Options(30, 0.2, 5, 5L));
        RecVaeConfig config = RecVaeConfig.defaults().withDimensions(32, 8).withBatchSize(64).withEpochs(3);
        TrainingResult one;
        TrainingResult two;
        try (RecVaeTrainer t = new RecVaeTrainer(config.withThreads(1))) {
            one = t.fit(split.train(), split.validationIn(), split.validationOut(), null);
        }
        try (RecVaeTrainer t = new RecVaeTrainer(config.withThreads(2))) {
            two = t.fit(split.train(), split.validationIn(), split.validationOut(), null);
        }
        for (int e = 0; e < 3; e++) {
            assertThat(two.history().get(e).decoderLoss())
                    .isCloseTo(one.history().get(e).decoderLoss(), org.assertj.core.data.Offset.offset(1e-2));
        }
    }

    @Test
    void beatsPopularityOnHeldOutUsers() {
        CsrMatrix m = plantedClusters(900, 240, 8, new Random(12));
        Split split = Split.strongGeneralization(m, new Split.Options(100, 0.2, 5, 5L));
        float[] popularity = new float[split.numItems()];
        for (int c : split.train().indices()) {
            popularity[c]++;
        }
        Scorer pop = (x, from, to) -> {
            float[] s = new float[(to - from) * x.cols()];
            for (int r = 0; r < to - from; r++) {
                System.arraycopy(popularity, 0, s, r * x.cols(), x.cols());
            }
            return s;
        };
        EvaluationResult popTest = Metrics.evaluate(pop, split.testIn(), split.testOut());

        RecVaeConfig config = RecVaeConfig.defaults().withDimensions(128, 32).withBatchSize(50)
                .withEpochs(12).withThreads(2);
        TrainingResult result;
        EvaluationResult test;
        try (RecVaeTrainer trainer = new RecVaeTrainer(config)) {
            result = trainer.fit(split.train(), split.validationIn(), split.validationOut(), null);
            test = trainer.evaluate(result.bestModel(), split.testIn(), split.testOut());
        }
        System.out.printf("synthetic: RecVAE %s, popularity %s, best epoch %d%n", test, popTest, result.bestEpoch());
        assertThat(result.history()).hasSize(12);
        assertThat(result.bestEpoch()).isBetween(1, 12);
        // losses go down, validation improves
        assertThat(result.history().get(11).decoderLoss()).isLessThan(result.history().get(0).decoderLoss());
        assertThat(test.ndcg100()).as("RecVAE %s vs popularity %s", test, popTest)
                .isGreaterThan(popTest.ndcg100() + 0.1);
        assertThat(test.recall20()).isGreaterThan(popTest.recall20() + 0.1);
        // the kept model is the best epoch's, not the last one
        double bestValidation = result.history().stream().mapToDouble(EpochStats::validationNdcg100).max().orElseThrow();
        assertThat(result.bestValidationNdcg100()).isEqualTo(bestValidation);
        assertThat(result.history().get(result.bestEpoch() - 1).validationNdcg100()).isEqualTo(bestValidation);
        try (RecVaeTrainer trainer = new RecVaeTrainer(config)) {
            assertThat(trainer.evaluate(result.bestModel(), split.validationIn(), split.validationOut()).ndcg100())
                    .isCloseTo(bestValidation, org.assertj.core.data.Offset.offset(1e-9));
        }
        // the single-user path agrees with the batched evaluation path
        int[] known = split.testIn().row(0);
        float[] one = result.bestModel().scores(known);
        float[] batch = result.bestModel().score(split.testIn(), 0, 1);
        assertThat(one).containsExactly(batch, org.assertj.core.data.Offset.offset(1e-4f));
    }
}
