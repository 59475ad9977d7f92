package io.gale.operators.recsys.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.data.SyntheticStars;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.model.RecVaeTrainer;
import io.gale.operators.recsys.model.TrainingResult;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model saved here and loaded in a new JVM gives bit-identical scores and the same metrics. */
class NewProcessReloadTest {

    @TempDir
    Path dir;

    private static Path smallSplit(Path dir) {
        Interactions stars = SyntheticStars.generate(SyntheticStars.Options.defaults(5).withSize(600, 250)).filter(5, 5);
        return Split.strongGeneralization(stars, Split.Options.of(60)).write(dir);
    }

    @Test
    void savedModelReloadedInANewProcessGivesIdenticalScores() throws Exception {
        Path splitDir = smallSplit(dir.resolve("split"));
        Split split = Split.read(splitDir);
        RecVaeConfig config = RecVaeConfig.defaults().withDimensions(64, 16).withEpochs(2).withThreads(1);
        Path weights;
        try (RecVaeTrainer trainer = new RecVaeTrainer(config)) {
            TrainingResult r = trainer.fit(split.train(), split.validationIn(), split.validationOut(), s -> { });
            weights = RecVaeArtifacts.save(dir.resolve("model"), r.bestModel(), split.itemIds(),
                    trainer.evaluate(r.bestModel(), split.testIn(), split.testOut()), r);
        }
        List<String> here = ScoresMain.lines(RecVaeArtifacts.load(weights), split);

        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", classpath, ScoresMain.class.getName(), weights.toString(), splitDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(stdout).isZero();
        assertThat(stdout.lines().toList()).containsExactlyElementsOf(here);
        assertThat(here.get(0)).startsWith("test EvaluationResult[ndcg100=");
        assertThat(classpath).contains(File.pathSeparator);
    }
}
