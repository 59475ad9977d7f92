package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.api.FailTask;
import io.gale.api.SkipTask;
import io.gale.api.TriggerRule;
import io.gale.core.DagRun;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every trigger rule on the diamond A -> B, C -> D, with C failing or skipped (real PostgreSQL). */
class TriggerRuleDiamondTest {

    @TempDir
    Path home;

    static Stream<Arguments> cases() {
        // rule, D's state when C fails, D's state when C is skipped (Airflow 2's semantics)
        return Stream.of(
                Arguments.of(TriggerRule.ALL_SUCCESS, "upstream_failed", "skipped"),
                Arguments.of(TriggerRule.ALL_FAILED, "skipped", "skipped"),
                Arguments.of(TriggerRule.ALL_DONE, "success", "success"),
                Arguments.of(TriggerRule.ALL_DONE_SETUP_SUCCESS, "success", "success"),
                Arguments.of(TriggerRule.ONE_SUCCESS, "success", "success"),
                Arguments.of(TriggerRule.ONE_FAILED, "success", "skipped"),
                Arguments.of(TriggerRule.ONE_DONE, "success", "success"),
                Arguments.of(TriggerRule.NONE_FAILED, "upstream_failed", "success"),
                Arguments.of(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS, "upstream_failed", "success"),
                Arguments.of(TriggerRule.NONE_SKIPPED, "success", "skipped"),
                Arguments.of(TriggerRule.ALL_SKIPPED, "skipped", "skipped"),
                Arguments.of(TriggerRule.ALWAYS, "success", "success"));
    }

    private static Dag diamond(String id, TriggerRule rule, boolean failC) {
        var dag = Dag.builder(id);
        var a = dag.task("a", ctx -> "a");
        var b = dag.task("b", ctx -> "b");
        var c = dag.task("c", ctx -> {
            if (failC) throw new FailTask("c fails");
            throw new SkipTask("c skips");
        });
        var d = dag.task("d", ctx -> "d").triggerRule(rule);
        a.then(b, c).then(d);
        return dag.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyRuleOnADiamond(TriggerRule rule, String whenFailed, String whenSkipped) throws Exception {
        try (Harness h = new Harness(home, diamond("failing", rule, true), diamond("skipping", rule, false))) {
            DagRun failing = h.runToEnd(h.trigger("failing", Map.of()));
            assertThat(h.states(failing)).containsEntry("a", "success").containsEntry("b", "success")
                    .containsEntry("c", "failed").containsEntry("d", whenFailed);
            boolean leafFailed = whenFailed.equals("failed") || whenFailed.equals("upstream_failed");
            assertThat(failing.state().id()).isEqualTo(leafFailed ? "failed" : "success");

            DagRun skipping = h.runToEnd(h.trigger("skipping", Map.of()));
            assertThat(h.states(skipping)).containsEntry("c", "skipped").containsEntry("d", whenSkipped);
            assertThat(skipping.state().id()).isEqualTo("success");
        }
    }

    @Test
    void oneFailedFiresWhileAnotherUpstreamStillRuns() throws Exception {
        CountDownLatch alerted = new CountDownLatch(1);
        var dag = Dag.builder("early");
        var slow = dag.task("slow", ctx -> alerted.await(20, TimeUnit.SECONDS) ? "released by alert" : "timed out");
        var fail = dag.task("fail", ctx -> {
            throw new FailTask("boom");
        });
        dag.task("alert", ctx -> {
            alerted.countDown();
            return "alerted";
        }).triggerRule(TriggerRule.ONE_FAILED).after(slow, fail);
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("early", Map.of()));
            assertThat(h.states(run)).containsEntry("alert", "success");
            assertThat(h.client().xcoms("early", run.runId(), "slow", null).get(0).json()).isEqualTo("\"released by alert\"");
        }
    }

    @Test
    void upstreamFailedPropagatesAndFailsTheRun() throws Exception {
        var dag = Dag.builder("chain");
        var a = dag.task("a", ctx -> {
            throw new IllegalStateException("broken");
        });
        a.then(dag.task("b", ctx -> "b")).then(dag.task("c", ctx -> "c"));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("chain", Map.of()));
            assertThat(h.states(run)).containsExactlyInAnyOrderEntriesOf(
                    Map.of("a", "failed", "b", "upstream_failed", "c", "upstream_failed"));
            assertThat(run.state().id()).isEqualTo("failed");
            assertThat(run.endDate()).isNotNull();
            assertThat(h.client().log("chain", run.runId(), "a", 1)).contains("IllegalStateException: broken");
        }
    }

    @Test
    void maxActiveTasksLimitsConcurrency() throws Exception {
        var running = new java.util.concurrent.atomic.AtomicInteger();
        var peak = new java.util.concurrent.atomic.AtomicInteger();
        // each task waits for a partner: the run succeeds only if two run at once, and a third
        // running beside them would raise the peak above the limit
        var pair = new CyclicBarrier(2);
        var dag = Dag.builder("limited").maxActiveTasks(2);
        for (int i = 0; i < 6; i++) {
            dag.task("t" + i, ctx -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    pair.await(10, TimeUnit.SECONDS);
                } finally {
                    running.decrementAndGet();
                }
                return null;
            });
        }
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("limited", Map.of()));
            assertThat(h.states(run)).as("every task met a partner").allSatisfy((task, state) -> assertThat(state).isEqualTo("success"));
            assertThat(run.state().id()).isEqualTo("success");
            assertThat(peak.get()).as("tasks running at once with max_active_tasks 2").isEqualTo(2);
        }
    }
}
