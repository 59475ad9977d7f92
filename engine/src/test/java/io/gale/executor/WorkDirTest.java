package io.gale.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.core.Json;
import io.gale.core.TaskState;
import io.gale.testing.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Working directories: one folder per id, never outside the work root, distinct for distinct ids. */
class WorkDirTest {

    @TempDir
    Path home;

    @Test
    void idsMapToDistinctFoldersInsideTheWorkRoot() throws Exception {
        List<String> taskIds = List.of("..", ".", "a.b", "a_b", "a-b");
        var builder = Dag.builder("..");
        for (String task : taskIds) {
            builder.task(task, ctx -> ctx.workDir().toString());
        }
        Dag dag = builder.build();
        Path workRoot = home.resolve("work").toAbsolutePath().normalize();
        try (Harness h = new Harness(home, dag)) {
            TaskRunner runner = new TaskRunner(new StoreTaskServices(h.store), h.bag, workRoot, Map.of(), h.clock);
            var serialized = io.gale.core.SerializedDag.of(dag, "memory:..", "memory");
            Instant t = h.clock.instant();
            List<String> dirs = new ArrayList<>();
            for (String runId : List.of("a:b", "a_b", "a%3Ab", "..", "../../etc")) {
                DagRun run = new DagRun(0, "..", runId, RunType.MANUAL, t, t, t, DagRunState.RUNNING, Map.of(), t, t, null, null);
                for (String task : taskIds) {
                    TaskEvent e = runner.run(new TaskWorkload(serialized, serialized.task(task), run, 1, 1));
                    assertThat(e.state()).as(e.log()).isEqualTo(TaskState.SUCCESS);
                    Path dir = Path.of(Json.read(e.xcoms().get("return_value"), String.class));
                    assertThat(dir.normalize()).as(dir.toString()).isEqualTo(dir);
                    assertThat(dir.startsWith(workRoot)).as(dir + " is inside " + workRoot).isTrue();
                    assertThat(workRoot.relativize(dir).getNameCount()).as(dir.toString()).isEqualTo(3);
                    for (Path segment : workRoot.relativize(dir)) {
                        assertThat(segment.toString()).isNotIn(".", "..");
                    }
                    assertThat(Files.isDirectory(dir)).isTrue();
                    dirs.add(dir.toString());
                }
            }
            assertThat(new HashSet<>(dirs)).as("one folder per (run, task)").hasSize(dirs.size());
        }
    }

    @Test
    void pathSegmentsAreInjectiveAndSafe() {
        assertThat(RunningTaskContext.pathSegment("a:b")).isEqualTo("a%3Ab");
        assertThat(RunningTaskContext.pathSegment("a_b")).isEqualTo("a_b");
        assertThat(RunningTaskContext.pathSegment("a%3Ab")).isEqualTo("a%253Ab");
        assertThat(RunningTaskContext.pathSegment("..")).isEqualTo("%2E%2E");
        assertThat(RunningTaskContext.pathSegment("../../etc/passwd")).doesNotContain("/", "..");
        assertThat(RunningTaskContext.pathSegment("manual__2026-06-01T00:00:00+00:00"))
                .isEqualTo("manual__2026-06-01T00%3A00%3A00%2B00%3A00");
        assertThat(RunningTaskContext.pathSegment("é")).isEqualTo("%C3%A9");
    }
}
