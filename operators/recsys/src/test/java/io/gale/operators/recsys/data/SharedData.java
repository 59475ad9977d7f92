package io.gale.operators.recsys.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Locates the shared ML-1M split for tests (the benchmark has its own copy): the system property or environment variable
 * {@code GALE_SHARED_DATA} (a data folder containing {@code ml-1m}, or the ml-1m folder itself),
 * else {@code shared/data/ml-1m} beside the clone ({@code ../shared} from the repository root,
 * {@code ../../shared} from a module, {@code ../../../shared} from a module under a parent such as
 * {@code operators/recsys}).
 */
final class SharedData {
    private SharedData() {
    }

    /** The first candidate folder that holds {@code train.csv}, if any. */
    static Optional<Path> ml1m() {
        List<Path> candidates = new ArrayList<>();
        for (String v : new String[] {System.getProperty("GALE_SHARED_DATA"), System.getenv("GALE_SHARED_DATA")}) {
            if (v != null && !v.isBlank()) {
                candidates.add(Path.of(v));
                candidates.add(Path.of(v, "ml-1m"));
            }
        }
        candidates.add(Path.of("..", "shared", "data", "ml-1m"));
        candidates.add(Path.of("..", "..", "shared", "data", "ml-1m"));
        candidates.add(Path.of("..", "..", "..", "shared", "data", "ml-1m"));
        return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("train.csv")))
                .map(Path::toAbsolutePath).map(Path::normalize).findFirst();
    }

    /** Where the search looked, for skip messages. */
    static String searched() {
        return "GALE_SHARED_DATA (property or env), ../shared/data/ml-1m, ../../shared/data/ml-1m, ../../../shared/data/ml-1m";
    }
}
