package io.gale.dags;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.core.DagRun;
import io.gale.dagbag.DagBag;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleDagsTest {

    @TempDir
    Path home;

    @Test
    void examplesAreFoundOnTheClasspath() {
        DagBag bag = DagBag.load(null, home.resolve("cache"));
        assertThat(bag.dags()).extracting(d -> d.id()).contains("example_pipeline", "example_trigger_rules");
        assertThat(bag.importErrors()).isEmpty();
        assertThat(bag.get("example_pipeline").orElseThrow().dag().timezone().getId()).isEqualTo("Europe/London");
    }

    @Test
    void examplePipelineSucceedsWithOneRetry() throws Exception {
        try (Harness h = new Harness(home, new ExamplePipeline().define())) {
            DagRun run = h.runToEnd(h.trigger("example_pipeline", Map.of()));
            assertThat(run.state().id()).isEqualTo("success");
            assertThat(h.ti(run, "rainy_days").tryNumber()).isEqualTo(2);
            String summary = h.client().xcoms("example_pipeline", run.runId(), "summarise", "return_value").get(0).json();
            assertThat(summary).contains("\"rainy_days\": [\"Monday\", \"Wednesday\", \"Friday\", \"Sunday\"]",
                    "\"top_words\": {\"rain\": 3, \"wind\": 3, \"bright\": 2}");
            assertThat(h.client().log("example_pipeline", run.runId(), "report", null)).contains("words: ", "rainy_days:");
        }
    }

    @Test
    void exampleTriggerRulesEndsWithTheStatesItsRulesImply() throws Exception {
        try (Harness h = new Harness(home, new ExampleTriggerRules().define())) {
            DagRun run = h.runToEnd(h.trigger("example_trigger_rules", Map.of()));
            assertThat(h.states(run)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                    Map.entry("start", "success"), Map.entry("branch_ok", "success"),
                    Map.entry("branch_fail", "failed"), Map.entry("branch_skip", "skipped"),
                    Map.entry("join_all_success", "upstream_failed"), Map.entry("join_one_failed", "success"),
                    Map.entry("join_all_done", "success"), Map.entry("join_none_failed", "upstream_failed"),
                    Map.entry("join_one_success", "success"), Map.entry("after_skip", "skipped"),
                    Map.entry("join_min_one_success", "success"), Map.entry("cleanup", "success")));
            assertThat(run.state().id()).isEqualTo("success");
        }
    }
}
