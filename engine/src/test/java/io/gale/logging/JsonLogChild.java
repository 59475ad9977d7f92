package io.gale.logging;

import io.gale.api.Dag;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A process for {@link JsonLogTest}: configures logging from its environment as Gale's main
 * does, then logs ({@code lines}) or runs a one-task DAG through a scheduler ({@code run HOME}).
 */
public final class JsonLogChild {

    private JsonLogChild() {
    }

    public static void main(String[] args) throws Exception {
        LogFormat.configure(System.getenv());
        if (args.length > 0 && args[0].equals("run")) {
            var dag = Dag.builder("mdc_ids");
            dag.task("look", ctx -> {
                LoggerFactory.getLogger("io.gale.test.task").warn("inside the task");
                return 1;
            });
            try (Harness h = new Harness(Path.of(args[1]), dag.build())) {
                System.out.println(h.runToEnd(h.trigger("mdc_ids", Map.of())).runId());
            }
            return;
        }
        Logger log = LoggerFactory.getLogger("io.gale.scheduler.Scheduler");
        log.info("no ids yet");
        MDC.setContextMap(Map.of(LogFormat.DAG_ID, "etl", LogFormat.RUN_ID, "manual__2026-01-01T00:00:00+00:00",
                LogFormat.TASK_ID, "load", LogFormat.TRY_NUMBER, "2"));
        log.warn("Task {} said \"{}\"", "load", "two\nlines");
        log.error("it failed", new IllegalStateException("boom"));
        log.debug("not shown at info");
        Thread other = new Thread(() -> LoggerFactory.getLogger("io.gale.other").info("from another thread"), "other");
        other.start();
        other.join();
        System.out.println(LoggerFactory.getILoggerFactory().getClass().getName());
    }
}
