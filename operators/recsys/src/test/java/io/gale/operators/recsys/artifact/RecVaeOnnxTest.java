package io.gale.operators.recsys.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.gale.operators.recsys.data.CsrMatrix;
import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.data.SyntheticStars;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.eval.TopK;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.model.RecVaeTrainer;
import io.gale.operators.recsys.model.TrainingResult;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX export, run in ONNX Runtime, ranks held-out users exactly as Gale does. */
class RecVaeOnnxTest {

    static final int USERS = 100;
    static final int K = 20;

    @TempDir
    Path dir;

    @Test
    void onnxRuntimeTopKEqualsGalesFor100HeldOutUsers() throws Exception {
        Interactions stars = SyntheticStars.generate(SyntheticStars.Options.defaults(11).withSize(1200, 300)).filter(5, 5);
        Split split = Split.strongGeneralization(stars, Split.Options.of(USERS));
        RecVaeConfig config = RecVaeConfig.defaults().withDimensions(96, 24).withEpochs(3).withThreads(1);
        TrainingResult trained;
        EvaluationResult test;
        try (RecVaeTrainer trainer = new RecVaeTrainer(config)) {
            trained = trainer.fit(split.train(), split.validationIn(), split.validationOut(), s -> { });
            test = trainer.evaluate(trained.bestModel(), split.testIn(), split.testOut());
        }
        Path weights = RecVaeArtifacts.save(dir, trained.bestModel(), split.itemIds(), test, trained);
        Path onnx = RecVaeOnnx.onnxOf(weights);
        assertThat(onnx).exists().isNotEmptyFile();
        RecVaeRecommender gale = RecVaeArtifacts.load(weights);
        int[] itemIds = gale.sidecar().itemIds();
        int items = itemIds.length;

        CsrMatrix foldIn = split.testIn();
        assertThat(foldIn.rows()).isEqualTo(USERS);
        float[] history = new float[USERS * items];
        for (int u = 0; u < USERS; u++) {
            for (int c : foldIn.row(u)) {
                history[u * items + c] = 1f;
            }
        }
        float[][] scores;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(history), new long[] {USERS, items});
             OrtSession.Result out = session.run(Map.of(RecVaeOnnx.INPUT, in))) {
            scores = (float[][]) out.get(RecVaeOnnx.OUTPUT).orElseThrow().getValue();
        }

        int differentOrder = 0;
        for (int u = 0; u < USERS; u++) {
            int[] cols = foldIn.row(u);
            int[] known = Arrays.stream(cols).map(c -> itemIds[c]).toArray();
            assertThat(scores[u]).as("user %d", u).containsExactly(gale.scores(known), org.assertj.core.data.Offset.offset(2e-4f));
            boolean[] excluded = new boolean[items];
            for (int c : cols) {
                excluded[c] = true;
            }
            int[] onnxTop = Arrays.stream(TopK.select(scores[u], 0, items, K, excluded)).map(c -> itemIds[c]).toArray();
            int[] galeTop = gale.recommend(known, K);
            assertThat(onnxTop).as("top-%d of held-out user %d", K, u).containsExactly(galeTop);
            differentOrder += Arrays.equals(galeTop, gale.recommend(new int[0], K)) ? 0 : 1;
        }
        assertThat(differentOrder).as("users whose top-k depends on their history").isGreaterThan(USERS / 2);
    }
}
