package io.gale.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.Dag;
import io.gale.api.NewModelVersion;
import io.gale.core.BadRequestException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.NotFoundException;
import io.gale.core.TaskInstance;
import io.gale.core.TaskState;
import io.gale.store.TrainingMetricRepository;
import io.gale.testing.Harness;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkTaskAndCurvesTest {

    @TempDir
    Path home;

    private static Dag chain(AtomicInteger lastRuns) {
        var dag = Dag.builder("chain");
        dag.task("first", ctx -> 1).then(dag.task("middle", ctx -> {
            if (ctx.params().containsKey("fail")) {
                throw new IllegalStateException("middle fails on purpose");
            }
            return 2;
        })).then(dag.task("last", ctx -> lastRuns.incrementAndGet()));
        return dag.build();
    }

    @Test
    void markingAFailedTaskSuccessClearsItsUpstreamFailedDownstreamAndTheSchedulerFinishesTheRun() throws Exception {
        AtomicInteger lastRuns = new AtomicInteger();
        try (Harness h = new Harness(home, chain(lastRuns))) {
            DagRun run = h.runToEnd(h.trigger("chain", Map.of("fail", true)));
            assertThat(run.state()).isEqualTo(DagRunState.FAILED);
            assertThat(h.states(run)).containsEntry("middle", "failed").containsEntry("last", "upstream_failed");
            Operations ops = h.client();

            List<TaskInstance> preview = ops.markTask("chain", run.runId(), "middle", TaskState.SUCCESS, false, false, true);
            assertThat(preview).extracting(TaskInstance::taskId).containsExactly("middle");
            assertThat(preview.get(0).state()).isEqualTo(TaskState.FAILED);
            assertThat(h.states(run)).as("a dry run writes nothing").containsEntry("middle", "failed");
            assertThat(ops.run("chain", run.runId()).state()).isEqualTo(DagRunState.FAILED);

            List<TaskInstance> marked = ops.markTask("chain", run.runId(), "middle", TaskState.SUCCESS, false, false, false);
            assertThat(marked).extracting(TaskInstance::state).containsExactly(TaskState.SUCCESS);
            assertThat(h.states(run)).containsEntry("middle", "success").containsEntry("last", "none");
            assertThat(ops.run("chain", run.runId()).state()).isEqualTo(DagRunState.QUEUED);

            DagRun again = h.runToEnd(run);
            assertThat(again.state()).isEqualTo(DagRunState.SUCCESS);
            assertThat(lastRuns.get()).as("the cleared downstream task ran once").isEqualTo(1);
        }
    }

    @Test
    void markingFailedWithDownstreamPutsAFinishedRunBackForTheSchedulerToDecide() throws Exception {
        AtomicInteger lastRuns = new AtomicInteger();
        try (Harness h = new Harness(home, chain(lastRuns))) {
            DagRun run = h.runToEnd(h.trigger("chain", Map.of()));
            assertThat(run.state()).isEqualTo(DagRunState.SUCCESS);
            Operations ops = h.client();
            List<TaskInstance> marked = ops.markTask("chain", run.runId(), "middle", TaskState.FAILED, false, true, false);
            assertThat(marked).extracting(TaskInstance::taskId).containsExactly("middle", "last");
            assertThat(h.states(run)).containsEntry("first", "success").containsEntry("middle", "failed").containsEntry("last", "failed");
            assertThat(h.runToEnd(run).state()).isEqualTo(DagRunState.FAILED);
            assertThat(lastRuns.get()).as("nothing ran again").isEqualTo(1);

            assertThat(ops.markTask("chain", run.runId(), "middle", TaskState.FAILED, true, false, true))
                    .as("with upstream: only what changes").extracting(TaskInstance::taskId).containsExactly("first");
            assertThatThrownBy(() -> ops.markTask("chain", run.runId(), "middle", TaskState.RUNNING, false, false, false))
                    .isInstanceOf(BadRequestException.class).hasMessageContaining("not running");
            assertThatThrownBy(() -> ops.markTask("chain", run.runId(), "nope", TaskState.SUCCESS, false, false, false))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("nope");
            assertThatThrownBy(() -> ops.markTask("chain", "no_run", "middle", TaskState.SUCCESS, false, false, false))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("no_run");
        }
    }

    @Test
    void epochsAreStoredPerTryAndAModelVersionShowsTheCurveOfItsRunsLatestTry() throws Exception {
        var dag = Dag.builder("trainer");
        dag.task("train", ctx -> {
            int epochs = ctx.tryNumber() == 1 ? 2 : 3;
            for (int e = 1; e <= epochs; e++) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", 10.0 / e + ctx.tryNumber());
                m.put("validation_ndcg100", e == 1 ? Double.NaN : 0.1 * e);
                ctx.trainingMetrics().epoch(e, m, 0.5 * e);
            }
            if (ctx.tryNumber() == 1) {
                throw new IllegalStateException("first try dies after two epochs");
            }
            return null;
        }).retries(1);
        dag.task("bad_epoch", ctx -> {
            ctx.trainingMetrics().epoch(0, Map.of("loss", 1.0), 1);
            return null;
        });
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("trainer", Map.of()));
            assertThat(h.states(run)).containsEntry("train", "success").containsEntry("bad_epoch", "failed");
            assertThat(h.client().log("trainer", run.runId(), "bad_epoch", null)).contains("epochs are numbered from 1, got 0");

            List<TrainingMetricRepository.Curve> curves = h.store.trainingMetrics().forRun("trainer", run.runId());
            assertThat(curves).hasSize(1);
            TrainingMetricRepository.Curve c = curves.get(0);
            assertThat(c.taskId()).isEqualTo("train");
            assertThat(c.tryNumber()).isEqualTo(2);
            assertThat(c.epochs()).extracting(TrainingMetricRepository.Epoch::epoch).containsExactly(1, 2, 3);
            assertThat(c.epochs().get(2).metrics()).containsEntry("loss", 10.0 / 3 + 2).containsEntry("validation_ndcg100", 0.1 * 3);
            assertThat(c.epochs().get(0).metrics()).as("NaN is left out").containsOnlyKeys("loss");
            assertThat(c.epochs().get(1).seconds()).isEqualTo(1.0);

            h.client().models().register(new NewModelVersion("recvae", 0.3, Map.of(), Map.of(), URI.create("file:///tmp/m"), null,
                    run.dataIntervalStart(), run.dataIntervalEnd(), "trainer", run.runId()));
            h.client().models().register(new NewModelVersion("recvae", 0.2, Map.of(), Map.of(), URI.create("file:///tmp/n"), null,
                    run.dataIntervalStart(), run.dataIntervalEnd(), null, null));
            assertThat(h.client().trainingCurves("recvae", 1)).isEqualTo(curves);
            assertThat(h.client().trainingCurves("recvae", 2)).isEmpty();
            assertThatThrownBy(() -> h.client().trainingCurves("recvae", 9)).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("no version 9");
        }
    }
}
