package io.gale.operators.recsys.artifact;

import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.model.RecVaeTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads a saved model and prints its test metrics and raw scores: run in a child JVM by {@link NewProcessReloadTest}. */
public final class ScoresMain {
    private ScoresMain() {
    }

    public static void main(String[] args) {
        RecVaeRecommender rec = RecVaeArtifacts.load(Path.of(args[0]));
        lines(rec, Split.read(Path.of(args[1]))).forEach(System.out::println);
    }

    /** Test metrics (exact decimal text) and the bits of every score for the first test users' fold-in items. */
    static List<String> lines(RecVaeRecommender rec, Split split) {
        List<String> out = new ArrayList<>();
        try (RecVaeTrainer t = new RecVaeTrainer(rec.sidecar().config().withThreads(1))) {
            out.add("test " + t.evaluate(rec.model(), split.testIn(), split.testOut()));
        }
        for (int r = 0; r < 5; r++) {
            int[] cols = split.testIn().row(r);
            int[] raw = new int[cols.length];
            for (int i = 0; i < cols.length; i++) {
                raw[i] = split.itemIds()[cols[i]];
            }
            StringBuilder b = new StringBuilder("user " + r + ":");
            for (float s : rec.scores(raw)) {
                b.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(s)));
            }
            out.add(b.toString());
        }
        return out;
    }
}
