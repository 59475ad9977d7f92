package io.gale.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriggerDagRunOperatorTest {

    @TempDir
    Path home;

    @Test
    void triggersTheOtherDagOnceWithAConfFromXComAndAnUnknownDagFailsTheTask() throws Exception {
        var parent = Dag.builder("parent");
        var pick = parent.task("pick", ctx -> 7);
        pick.then(parent.task("trigger", new TriggerDagRunOperator("child")
                .conf(ctx -> Map.of("model_version", ctx.xcomPull("pick", Integer.class)))));
        var child = Dag.builder("child").param("model_version", 0);
        child.task("use", ctx -> "version " + ctx.param("model_version", Integer.class));
        var broken = Dag.builder("broken");
        broken.task("trigger", new TriggerDagRunOperator("nope"));
        try (Harness h = new Harness(home, parent.build(), child.build(), broken.build())) {
            DagRun run = h.runToEnd(h.trigger("parent", Map.of()));
            assertThat(h.states(run)).containsEntry("trigger", "success");
            String childRunId = "triggered__parent__" + run.runId();
            assertThat(h.client().xcoms("parent", run.runId(), "trigger", "return_value").get(0).json())
                    .isEqualTo("\"" + childRunId + "\"");
            DagRun triggered = h.store.runs().find("child", childRunId).orElseThrow();
            assertThat(triggered.conf()).containsEntry("model_version", 7);
            DagRun done = h.runToEnd(triggered);
            assertThat(h.client().xcoms("child", done.runId(), "use", "return_value").get(0).json()).isEqualTo("\"version 7\"");

            // clearing the trigger task runs it again: it finds its run and starts no second one
            h.client().clear("parent", "trigger", false, run.runId(), false);
            h.runToEnd(h.store.runs().find("parent", run.runId()).orElseThrow());
            assertThat(h.store.runs().list("child")).hasSize(1);
            assertThat(h.client().log("parent", run.runId(), "trigger", null)).contains("exists already: not triggered again");

            DagRun bad = h.runToEnd(h.trigger("broken", Map.of()));
            assertThat(h.states(bad)).containsEntry("trigger", "failed");
            assertThat(h.client().log("broken", bad.runId(), "trigger", null)).contains("cannot trigger DAG 'nope': no such DAG");
        }
    }
}
