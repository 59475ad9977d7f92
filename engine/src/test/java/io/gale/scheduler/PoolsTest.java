package io.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.Dag;
import io.gale.core.BadRequestException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.NewDagRun;
import io.gale.store.TaskInstanceRepository.Finish;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolsTest {

    @TempDir
    Path home;

    /** Four independent tasks in pool {@code solo}; each notes how many of them run at once. */
    private static Dag pooled(AtomicInteger now, AtomicInteger most, String pool) {
        var dag = Dag.builder("pooled");
        for (String id : List.of("a", "b", "c", "d")) {
            dag.task(id, ctx -> {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    // the task's work: until another of them runs beside it (as a pool of four lets it), 200 ms at most
                    io.gale.testing.Await.atMost(java.time.Duration.ofMillis(200), () -> now.get() >= 2);
                } finally {
                    now.decrementAndGet();
                }
                return null;
            }).pool(pool).queue("gpu");
        }
        return dag.build();
    }

    @Test
    void aPoolOfOneRunsOneTryAtATimeCountingTriesOfOtherSchedulers() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (Harness h = new Harness(home, pooled(now, most, "solo"))) {
            assertThat(h.client().importErrors()).singleElement().satisfies(e -> assertThat(e.toString())
                    .contains("task 'a'").contains("pool 'solo'").contains("does not exist"));
            h.client().pools().set("solo", 1, "one at a time");
            h.client().syncDags(h.bag);
            assertThat(h.client().importErrors()).isEmpty();

            // another scheduler holds the pool's one slot with a try of another run
            DagRun other = h.store.runs().create(new NewDagRun("pooled", "other", RunType.MANUAL, h.clock.instant().minusSeconds(3600),
                    h.clock.instant(), h.clock.instant(), DagRunState.RUNNING, Map.of()));
            TaskKey held = new TaskKey("pooled", "other", "a");
            h.store.transact(tx -> {
                tx.taskInstances().createMissing(Map.of(io.gale.core.RunKey.of(held), List.of(new NewTask("a", 1, "lambda"))));
                tx.taskInstances().markRunning(List.of(new Start(held, 1, "gpu", "solo", 1)), h.clock.instant(), "elsewhere", 1,
                        h.store.schedulerJobs().register(io.gale.core.ProcessIdentity.current(), h.clock.instant()));
            });
            DagRun run = h.trigger("pooled", Map.of());
            Scope only = Scope.run("pooled", run.runId());
            for (int i = 0; i < 3; i++) {
                h.scheduler.runOnce(only, Duration.ofMillis(20));
            }
            assertThat(h.states(run).values()).as("no try starts while another scheduler's try holds the slot").doesNotContain("running", "success");
            assertThat(h.client().pools().get("solo").running()).isEqualTo(1);

            h.store.taskInstances().finishTries(List.of(new Finish(held, 1, TaskState.SUCCESS, h.clock.instant(), null)));
            DagRun done = h.runToEnd(run);
            assertThat(done.state()).isEqualTo(DagRunState.SUCCESS);
            assertThat(most.get()).as("tries of pool solo running at once").isEqualTo(1);
            assertThat(h.store.taskInstances().forRun("pooled", run.runId()))
                    .allSatisfy(ti -> assertThat(ti.state()).isEqualTo(TaskState.SUCCESS));
            assertThat(h.client().pools().get("solo").open()).isEqualTo(1);
        }
    }

    @Test
    void withoutThePoolTheSameTasksOverlap() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (Harness h = new Harness(home, pooled(now, most, "wide"))) {
            h.client().pools().set("wide", 4, null);
            h.client().syncDags(h.bag);
            DagRun done = h.runToEnd(h.trigger("pooled", Map.of()));
            assertThat(done.state()).isEqualTo(DagRunState.SUCCESS);
            assertThat(most.get()).as("the same DAG in a pool of 4 runs tries side by side").isGreaterThan(1);
        }
    }

    @Test
    void poolsAreCheckedAndDefaultPoolStays() throws Exception {
        try (Harness h = new Harness(home)) {
            assertThat(h.client().pools().list()).extracting(p -> p.name() + ":" + p.slots()).containsExactly("default_pool:128");
            assertThatThrownBy(() -> h.client().pools().delete("default_pool")).isInstanceOf(BadRequestException.class);
            assertThatThrownBy(() -> h.client().pools().set("x", -1, null)).isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("slots must be 0 or more");
            assertThatThrownBy(() -> h.client().pools().get("nope")).hasMessageContaining("pool 'nope' not found");
        }
    }

    @Test
    void queueAndPoolAreSerializedOnlyWhenNotTheDefaults() {
        var dag = Dag.builder("q");
        dag.task("plain", ctx -> null);
        dag.task("gpu", ctx -> null).queue("gpu").pool("github").poolSlots(2);
        SerializedDag s = SerializedDag.of(dag.build(), "f", "b");
        String json = s.toJson();
        assertThat(json).contains("\"queue\":\"gpu\"").contains("\"pool\":\"github\"").contains("\"poolSlots\":2");
        SerializedDag back = SerializedDag.fromJson(json);
        assertThat(back.tasks()).extracting(SerializedTask::id, SerializedTask::queue, SerializedTask::pool, SerializedTask::poolSlots)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("plain", "default", "default_pool", 1),
                        org.assertj.core.groups.Tuple.tuple("gpu", "gpu", "github", 2));
        // a row written before queues and pools existed reads as the defaults, with the same version hash
        var old = Dag.builder("old");
        old.task("t", ctx -> null);
        String plainOnly = SerializedDag.of(old.build(), "f", "b").toJson();
        assertThat(plainOnly).doesNotContain("queue").doesNotContain("pool");
        assertThatThrownBy(() -> Dag.builder("bad").task("t", ctx -> null).poolSlots(0)).hasMessageContaining("pool slots must be at least 1");
        assertThatThrownBy(() -> Dag.builder("bad").task("t", ctx -> null).queue(" ")).hasMessageContaining("queue must be a non-blank name");
    }
}
