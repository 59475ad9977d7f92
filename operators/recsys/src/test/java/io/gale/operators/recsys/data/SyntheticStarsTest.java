package io.gale.operators.recsys.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticStarsTest {

    @TempDir
    Path dir;

    @Test
    void sameSeedSameStarsOtherSeedOtherStars() {
        var o = SyntheticStars.Options.defaults(7).withSize(500, 300);
        Interactions a = SyntheticStars.generate(o);
        Interactions b = SyntheticStars.generate(o);
        assertThat(a.users()).isEqualTo(b.users());
        assertThat(a.items()).isEqualTo(b.items());
        Interactions c = SyntheticStars.generate(SyntheticStars.Options.defaults(8).withSize(500, 300));
        assertThat(Arrays.equals(a.items(), c.items())).isFalse();
        assertThat(a.filter(1, 1).size()).as("no duplicate stars").isEqualTo(a.size());
    }

    @Test
    void popularityIsHeavyTailedAndTastesAreClustered() {
        var o = SyntheticStars.Options.defaults(42);
        Interactions s = SyntheticStars.generate(o);
        assertThat(s.distinctUsers()).isEqualTo(3000);
        int[] perRepo = new int[o.repositories()];
        for (int r : s.items()) {
            perRepo[r]++;
        }
        int[] sorted = Arrays.stream(perRepo).sorted().toArray();
        long top10 = Arrays.stream(sorted, sorted.length - sorted.length / 10, sorted.length).sum();
        assertThat((double) top10 / s.size()).as("share of the top 10% repositories").isGreaterThan(0.4);
        // each user's stars fall mostly in one cluster
        int[][] perUserCluster = new int[s.distinctUsers()][o.clusters()];
        for (int i = 0; i < s.size(); i++) {
            perUserCluster[s.users()[i]][SyntheticStars.clusterOf(s.items()[i], o)]++;
        }
        double inMainCluster = Arrays.stream(perUserCluster).mapToDouble(c -> Arrays.stream(c).max().orElse(0)).sum() / s.size();
        assertThat(inMainCluster).isGreaterThan(0.6);
    }

    @Test
    void filteredStarsSplitAndWrittenReadBackTheSame() {
        Interactions stars = SyntheticStars.generate(SyntheticStars.Options.defaults(3).withSize(600, 300)).filter(5, 5);
        Path file = dir.resolve("interactions.csv");
        stars.write(file);
        Interactions back = InteractionReader.readPairs(file);
        assertThat(back.users()).isEqualTo(stars.users());
        assertThat(back.items()).isEqualTo(stars.items());
        Split split = Split.strongGeneralization(back, Split.Options.of(60));
        Split read = Split.read(split.write(dir.resolve("split")));
        assertThat(read.itemIds()).isEqualTo(split.itemIds());
        assertThat(read.train().rows()).isEqualTo(split.train().rows());
        assertThat(read.train().indices()).isEqualTo(split.train().indices());
        int kept = 0;
        for (int r = 0; r < split.testIn().rows(); r++) {
            kept += split.testOut().rowNnz(r) > 0 ? 1 : 0;
        }
        assertThat(read.testIn().rows()).isEqualTo(kept);
        assertThat(read.testOut().nnz()).isEqualTo(split.testOut().nnz());
    }
}
