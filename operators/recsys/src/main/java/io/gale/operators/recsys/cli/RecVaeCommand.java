package io.gale.operators.recsys.cli;

import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.artifact.RecVaeArtifacts;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.artifact.RecVaeRecommender;
import io.gale.operators.recsys.model.RecVaeTrainer;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.model.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gale recvae}: train, evaluate and query RecVAE models. */
@Command(name = "recvae", mixinStandardHelpOptions = true,
        description = "Train, evaluate and query RecVAE models (no database needed).",
        subcommands = {RecVaeCommand.Train.class, RecVaeCommand.Evaluate.class, RecVaeCommand.Recommend.class})
public final class RecVaeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static String metrics(EvaluationResult r) {
        return String.format(Locale.ROOT, "NDCG@100 %.4f  Recall@20 %.4f  Recall@50 %.4f  (%d users)",
                r.ndcg100(), r.recall20(), r.recall50(), r.users());
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train on a split directory (train.csv, validation_tr.csv, ..., unique_sid.txt); "
                    + "saves the model of the best validation epoch as recvae_<validation NDCG@100>.safetensors "
                    + "plus its .json sidecar (test metrics are reported beside it, never used to choose).")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The split directory.")
        Path data;

        @Option(names = "--epochs", defaultValue = "50", paramLabel = "N", description = "Epochs (default ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Where to save the model (default: the current directory).")
        Path out;

        @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1337).")
        Long seed;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
            }
            Split split = Split.read(data);
            RecVaeConfig config = RecVaeConfig.defaults().withEpochs(epochs);
            if (seed != null) {
                config = config.withSeed(seed);
            }
            o.printf(Locale.ROOT, "%s: %d training users, %d items, %d validation and %d test users%n", data,
                    split.train().rows(), split.numItems(), split.validationIn().rows(), split.testIn().rows());
            o.flush();
            boolean terminal = System.console() != null;
            TrainingResult result;
            EvaluationResult test;
            try (RecVaeTrainer trainer = new RecVaeTrainer(config);
                 ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("recvae").setInitialMax(epochs)
                         .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build() : null) {
                result = trainer.fit(split.train(), split.validationIn(), split.validationOut(), s -> {
                    o.printf(Locale.ROOT, "epoch %3d/%d  loss %.4f  val NDCG@100 %.4f  train %.2f s  validation %.2f s%n",
                            s.epoch(), epochs, s.encoderLoss(), s.validationNdcg100(), s.trainSeconds(),
                            s.seconds() - s.trainSeconds());
                    o.flush();
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(Locale.ROOT, " val NDCG@100 %.4f", s.validationNdcg100()));
                    }
                });
                test = trainer.evaluate(result.bestModel(), split.testIn(), split.testOut());
            }
            Path file = RecVaeArtifacts.save(out, result.bestModel(), split.itemIds(), test, result);
            o.printf(Locale.ROOT, "best epoch %d (val NDCG@100 %.4f)%n", result.bestEpoch(), result.bestValidationNdcg100());
            o.println("test " + metrics(test) + " (reported, not used to choose)");
            o.println("saved " + file.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Score a saved model on the validation and test users of a split directory.")
    static final class Evaluate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MODEL", description = "The .safetensors file (its .json sidecar beside it).")
        Path model;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The split directory.")
        Path data;

        @Override
        public Integer call() {
            RecVaeRecommender rec = RecVaeArtifacts.load(model);
            Split split = Split.read(data);
            if (!Arrays.equals(rec.sidecar().itemIds(), split.itemIds())) {
                throw new IllegalArgumentException(model + " was trained on " + rec.sidecar().items()
                        + " items, the split in " + data + " has " + split.numItems() + " different ones");
            }
            PrintWriter o = spec.commandLine().getOut();
            try (RecVaeTrainer trainer = new RecVaeTrainer(rec.sidecar().config()
                    .withThreads(Runtime.getRuntime().availableProcessors()))) {
                o.println("validation " + metrics(trainer.evaluate(rec.model(), split.validationIn(), split.validationOut())));
                o.println("test       " + metrics(trainer.evaluate(rec.model(), split.testIn(), split.testOut())));
            }
            return 0;
        }
    }

    @Command(name = "recommend", mixinStandardHelpOptions = true,
            description = "The top-k items for a user who has the given items (raw item ids), best first.")
    static final class Recommend implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MODEL", description = "The .safetensors file (its .json sidecar beside it).")
        Path model;

        @Option(names = "--items", required = true, split = ",", paramLabel = "ID", description = "Item ids the user has, e.g. 3,17,42.")
        List<String> items;

        @Option(names = "-k", defaultValue = "10", description = "How many items, at least 1 (default ${DEFAULT-VALUE}).")
        int k;

        @Override
        public Integer call() {
            if (k < 1) {
                throw new ParameterException(spec.commandLine(), "-k must be at least 1, got " + k);
            }
            int[] ids = new int[items.size()];
            for (int i = 0; i < ids.length; i++) {
                try {
                    ids[i] = Integer.parseInt(items.get(i).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--items must be integer item ids separated by commas, got '"
                            + items.get(i) + "'");
                }
            }
            RecVaeRecommender rec = RecVaeArtifacts.load(model);
            int[] top = rec.recommend(ids, k);
            PrintWriter o = spec.commandLine().getOut();
            for (int i = 0; i < top.length; i++) {
                o.println((i + 1) + "\t" + top[i]);
            }
            return 0;
        }
    }
}
