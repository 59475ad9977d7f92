package io.gale.operators.recsys.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StampedInteractionsTest {

    @TempDir
    Path dir;

    @Test
    void readsUnixSecondsAndIsoTimesAndSelectsByTime() throws Exception {
        Path f = Files.writeString(dir.resolve("r.csv"), """
                user,item,rating,timestamp
                1,10,5,1735689600
                1,11,2,1735689700
                2,10,4,2025-01-03T00:00:00Z
                3,12,5,2025-02-01T00:00:00Z
                """);
        StampedInteractions s = InteractionReader.readStampedRatings(f, 4);

        assertThat(s.size()).isEqualTo(3); // the rating 2 is below the threshold
        assertThat(s.epochSeconds()).containsExactly(1735689600L, Instant.parse("2025-01-03T00:00:00Z").getEpochSecond(),
                Instant.parse("2025-02-01T00:00:00Z").getEpochSecond());
        Interactions early = s.between(null, Instant.parse("2025-01-03T00:00:00Z"));
        assertThat(early.users()).containsExactly(1);
        assertThat(s.between(null, Instant.parse("2025-01-03T00:00:01Z")).users()).containsExactly(1, 2);
        assertThat(s.between(Instant.parse("2025-01-02T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z")).items())
                .containsExactly(10, 12);
        assertThat(s.span()).containsExactly(Instant.ofEpochSecond(1735689600L), Instant.parse("2025-02-01T00:00:00Z"));
    }

    @Test
    void aMissingOrBadTimeIsAnErrorNamingTheLine() throws Exception {
        Path missing = Files.writeString(dir.resolve("m.csv"), "1,10,5,1735689600\n2,11,5\n");
        assertThatThrownBy(() -> InteractionReader.readStampedRatings(missing, 0))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("m.csv:2: ").hasMessageContaining("time column is required");
        Path bad = Files.writeString(dir.resolve("b.csv"), "1,10,5,yesterday\n");
        assertThatThrownBy(() -> InteractionReader.readStampedRatings(bad, 0))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("b.csv:1: ").hasMessageContaining("'yesterday'");
        assertThat(InteractionReader.readRatings(missing, 0).size()).as("without the time column").isEqualTo(2);
    }

    @Test
    void syntheticStarsGetDeterministicTimesInTheSpanThatGrowTheData() {
        var o = SyntheticStars.Options.defaults(7).withSize(400, 200);
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Instant end = Instant.parse("2026-01-01T00:00:00Z");
        StampedInteractions a = SyntheticStars.generateStamped(o, start, end);
        StampedInteractions b = SyntheticStars.generateStamped(o, start, end);
        Interactions plain = SyntheticStars.generate(o);

        assertThat(a.users()).isEqualTo(plain.users());
        assertThat(a.items()).isEqualTo(plain.items());
        assertThat(a.epochSeconds()).isEqualTo(b.epochSeconds());
        assertThat(Arrays.stream(a.epochSeconds()).min().getAsLong()).isGreaterThanOrEqualTo(start.getEpochSecond());
        assertThat(Arrays.stream(a.epochSeconds()).max().getAsLong()).isLessThan(end.getEpochSecond());
        int q1 = a.between(null, Instant.parse("2025-04-01T00:00:00Z")).size();
        int q2 = a.between(null, Instant.parse("2025-07-01T00:00:00Z")).size();
        int q4 = a.between(null, end).size();
        assertThat(q1).isPositive().isLessThan(q2);
        assertThat(q2).isLessThan(q4);
        assertThat(q4).isEqualTo(a.size());
    }
}
