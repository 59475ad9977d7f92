package io.gale.operators.recsys.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The shared ML-1M split read in place gives exactly the counts of split_stats.json. */
class Ml1mSplitTest {
    @Test
    void countsMatchSplitStats() {
        Optional<Path> dir = SharedData.ml1m();
        Assumptions.assumeTrue(dir.isPresent(), "ML-1M split not found, skipped; searched " + SharedData.searched());
        Split s = Split.read(dir.get());
        assertThat(s.train().rows()).isEqualTo(4834);
        assertThat(s.train().nnz()).isEqualTo(462_827);
        assertThat(s.numItems()).isEqualTo(3497);
        assertThat(s.validationIn().rows()).isEqualTo(600);
        assertThat(s.validationIn().nnz()).isEqualTo(46_146);
        assertThat(s.validationOut().nnz()).isEqualTo(11_228);
        assertThat(s.testIn().rows()).isEqualTo(600);
        assertThat(s.testIn().nnz()).isEqualTo(44_266);
        assertThat(s.testOut().nnz()).isEqualTo(10_761);
        // every train user has >= 5 items; every item occurs in train
        for (int r = 0; r < s.train().rows(); r++) {
            assertThat(s.train().rowNnz(r)).isGreaterThanOrEqualTo(5);
        }
        int[] seen = new int[s.numItems()];
        for (int c : s.train().indices()) {
            seen[c]++;
        }
        assertThat(seen).doesNotContain(0);
    }

    @Test
    void rawRatingsSplitLikeTheReferenceProtocol() {
        Optional<Path> dir = SharedData.ml1m();
        Assumptions.assumeTrue(dir.isPresent(), "ML-1M split not found, skipped; searched " + SharedData.searched());
        Interactions positives = InteractionReader.readRatings(dir.get().resolve("ratings.dat.gz"), 4);
        assertThat(positives.size()).isEqualTo(575_281);
        Split s = Split.strongGeneralization(positives, Split.Options.of(600));
        // 6,034 users keep >= 5 positives: 4,834 train, 600 validation, 600 test
        assertThat(s.train().rows()).isEqualTo(4834);
        assertThat(s.validationIn().rows() + s.testIn().rows()).isBetween(1190, 1200);
        long total = s.train().nnz() + s.validationIn().nnz() + s.validationOut().nnz()
                + s.testIn().nnz() + s.testOut().nnz();
        assertThat(total).isBetween(574_000L, 575_272L);
        assertThat(s.numItems()).isBetween(3400, 3533);
    }
}
