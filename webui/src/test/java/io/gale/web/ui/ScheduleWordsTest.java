package io.gale.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScheduleWordsTest {

    @Test
    void presetsCronShapesAndIntervalsReadAsWords() {
        assertThat(ScheduleWords.of(null)).isEqualTo("not scheduled (manual runs only)");
        assertThat(ScheduleWords.of("@daily")).isEqualTo("every day at 00:00");
        assertThat(ScheduleWords.of("@hourly")).isEqualTo("every hour");
        assertThat(ScheduleWords.of("*/15 * * * *")).isEqualTo("every 15 minutes");
        assertThat(ScheduleWords.of("5 * * * *")).isEqualTo("every hour at minute 5");
        assertThat(ScheduleWords.of("30 6 * * *")).isEqualTo("every day at 06:30");
        assertThat(ScheduleWords.of("0 9 * * 1-5")).isEqualTo("every weekday at 09:00");
        assertThat(ScheduleWords.of("0 9 * * 1")).isEqualTo("every Monday at 09:00");
        assertThat(ScheduleWords.of("0 2 1 * *")).isEqualTo("on day 1 of every month at 02:00");
        assertThat(ScheduleWords.of("PT6H")).isEqualTo("every 6h");
        assertThat(ScheduleWords.of("0 0 L * ?")).isEqualTo("cron 0 0 L * ?");
    }
}
