package io.gale.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.Json;
import io.gale.testing.Harness;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a task may return or push as XCom: data is stored, a JDK object such as a Thread fails the try. */
class XComValueTest {

    @TempDir
    Path home;

    record Point(int x, String label) {
    }

    /** A bean with properties. */
    public static final class Box {
        public String getName() {
            return "box";
        }

        public int getSize() {
            return 3;
        }
    }

    /** A bean whose property is not data. */
    public static final class Holder {
        public Thread getWorker() {
            return new Thread(() -> { });
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> value(Harness h, DagRun run, String task) {
        return Json.read(h.client().xcoms(run.dagId(), run.runId(), task, "return_value").get(0).json(), Map.class);
    }

    @Test
    void dataIsStoredAndAThreadFailsTheTryNamingItsType() throws Exception {
        var dag = Dag.builder("xcom_values");
        dag.task("record", ctx -> new Point(1, "a"));
        dag.task("bean", ctx -> new Box());
        dag.task("mixed", ctx -> Map.of("list", List.of(1, "two", TimeUnit.SECONDS), "day", LocalDate.of(2026, 6, 1),
                "at", Instant.parse("2026-06-01T00:00:00Z"), "d", Duration.ofSeconds(90), "n", new BigDecimal("1.5"),
                "ints", new int[] {1, 2}, "ok", true));
        dag.task("thread", ctx -> new Thread(() -> { }));
        dag.task("thread_in_list", ctx -> List.of("fine", new Thread(() -> { })));
        dag.task("thread_in_bean", ctx -> new Holder());
        dag.task("optional", ctx -> Optional.of("x"));
        dag.task("no_properties", ctx -> new Object());
        dag.task("pushes_thread", ctx -> {
            ctx.xcomPush("worker", Thread.currentThread());
            return null;
        });
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("xcom_values", Map.of()));
            var client = h.client();

            assertThat(h.states(run)).containsEntry("record", "success").containsEntry("bean", "success")
                    .containsEntry("mixed", "success");
            assertThat(value(h, run, "record")).isEqualTo(Map.of("x", 1, "label", "a"));
            assertThat(value(h, run, "bean")).isEqualTo(Map.of("name", "box", "size", 3));
            assertThat(value(h, run, "mixed")).containsEntry("list", List.of(1, "two", "SECONDS"))
                    .containsEntry("day", "2026-06-01").containsEntry("at", "2026-06-01T00:00:00Z")
                    .containsEntry("d", 90.0).containsEntry("n", 1.5).containsEntry("ints", List.of(1, 2))
                    .containsEntry("ok", true);

            Map<String, String> refused = Map.of(
                    "thread", "task returned a value that cannot be stored as XCom: java.lang.Thread",
                    "thread_in_list", "task returned a value that cannot be stored as XCom: java.lang.Thread (inside a java.util.",
                    "thread_in_bean", "task returned a value that cannot be stored as XCom: java.lang.Thread (inside a " + Holder.class.getName(),
                    "optional", "task returned a value that cannot be stored as XCom: java.util.Optional",
                    "no_properties", "task returned a value that cannot be stored as XCom: java.lang.Object",
                    "pushes_thread", "task 'pushes_thread' pushed XCom 'worker' with a value that cannot be stored as XCom: java.lang.Thread");
            refused.forEach((task, message) -> {
                assertThat(h.states(run)).as(task).containsEntry(task, "failed");
                assertThat(client.xcoms("xcom_values", run.runId(), task, null)).as(task).isEmpty();
                String log = client.log("xcom_values", run.runId(), task, null);
                assertThat(log).as(task).contains(message);
                assertThat(log.length()).as(task + ": no dump of the object in the log").isLessThan(6000);
            });
        }
    }
}
