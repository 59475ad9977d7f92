package io.gale.dags;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.api.ModelVersion;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.store.NewDagRun;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecVaeIncrementalTest {

    @TempDir
    Path home;

    @Test
    void shape() {
        Dag dag = new RecVaeIncremental().define();
        assertThat(dag.id()).isEqualTo("recvae_incremental");
        assertThat(dag.schedule()).isEqualTo("@daily");
        assertThat(dag.params()).containsEntry("time_column", true).containsEntry("model_name", "recvae_daily");
    }

    @Test
    void runsOnTwoDatesTrainOnTheDataOfTheirDateAndTheRegistryKeepsBoth() throws Exception {
        // smaller than the DAG's defaults, to keep the test short
        Map<String, Object> conf = Map.of("epochs", 1, "hidden_dim", 32, "latent_dim", 8, "synthetic_users", 700,
                "synthetic_repositories", 300);
        try (Harness h = new Harness(home, new RecVaeIncremental().define())) {
            long[] users = new long[2];
            List<String> days = List.of("2025-04-01", "2025-10-01");
            for (int i = 0; i < 2; i++) {
                Instant start = Instant.parse(days.get(i) + "T00:00:00Z");
                DagRun run = h.runToEnd(h.store.runs().create(new NewDagRun("recvae_incremental",
                        RunType.SCHEDULED.runId(start), RunType.SCHEDULED, start, start, start.plusSeconds(86_400),
                        DagRunState.QUEUED, conf)));
                assertThat(run.state()).isEqualTo(DagRunState.SUCCESS);
                String base = h.client().xcoms("recvae_incremental", run.runId(), "preprocess_base_data", "return_value")
                        .get(0).json();
                users[i] = Long.parseLong(base.replaceAll("(?s).*\"users\" ?: ?(\\d+).*", "$1"));
            }
            assertThat(users[0]).isPositive().isLessThan(users[1]);
            List<ModelVersion> versions = h.store.models().versions("recvae_daily");
            assertThat(versions).extracting(ModelVersion::dataIntervalEnd)
                    .containsExactly(Instant.parse("2025-10-02T00:00:00Z"), Instant.parse("2025-04-02T00:00:00Z"));
        }
    }
}
