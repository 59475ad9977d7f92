package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @Test
    void readsSecondsUnitsAndIso() {
        assertThat(DurationConverter.parse("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationConverter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationConverter.parse("1d2h3m4s")).isEqualTo(Duration.parse("P1DT2H3M4S"));
        assertThat(DurationConverter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationConverter.parse("pt1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationConverter.parse(" 10 ")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesOtherTextSayingWhichFormsWork() {
        for (String bad : new String[] {"", "five", "5x", "1m1h", "PT", "-5", "h", "99999999999999999999"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageEndingWith("use 5 (seconds), 5s, 2m, 1h, 1h30m, 1d or ISO-8601 such as PT5S");
        }
        assertThatThrownBy(() -> DurationConverter.parse("PT-5S")).hasMessageStartingWith("'PT-5S' is negative");
    }
}
