package io.gale.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.Dag;
import io.gale.config.ConfigException;
import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.executor.LocalExecutor;
import io.gale.runtime.Engine;
import io.gale.scheduler.Scheduler;
import io.gale.store.DagRunRepository.Scope;
import io.gale.testing.Harness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scheduler runs a small DAG; its Prometheus scrape then shows what happened (real PostgreSQL, real sockets). */
class SchedulerMetricsTest {

    private static final int RUNS = 3;
    /** Every run, the test's DAG being paused (as new DAGs are). */
    private static final Scope ALL_EVEN_PAUSED = new Scope(null, null, null, true);

    @TempDir
    Path home;

    /** a (20 ms of work) -> b -> c, or a failing c when {@code failC}. */
    private static Dag chain(String id) {
        var dag = Dag.builder(id);
        var a = dag.task("a", ctx -> {
            long until = System.nanoTime() + 20_000_000L;
            long x = 0;
            while (System.nanoTime() < until) {
                x++;
            }
            return x > 0;
        });
        var b = dag.task("b", ctx -> "b");
        var c = dag.task("c", ctx -> {
            throw new io.gale.api.FailTask("c fails");
        });
        a.then(b).then(c);
        return dag.build();
    }

    @Test
    void theScrapeShowsLoopsTaskDurationsLatenciesAndStates() throws Exception {
        try (Harness h = new Harness(home, chain("metered"))) {
            Engine engine = new Engine(GaleConfig.from(Map.of("GALE_HOME", home.toString())), h.db, h.bag, Clock.systemUTC(),
                    Map.of("GALE_METRICS_PORT", "0", "GALE_METRICS_HOST", "127.0.0.1"));
            List<DagRun> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                runs.add(h.trigger("metered", Map.of()));
                h.clock.advance(Duration.ofMinutes(1));
            }
            try (LocalExecutor executor = engine.newExecutor();
                 Scheduler scheduler = engine.newScheduler(executor, Scheduler.Settings.defaults().withCreateRuns(false))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (runs.stream().anyMatch(r -> !h.store.runs().find(r.dagId(), r.runId()).orElseThrow().state().finished())
                        || executor.running() > 0) {
                    assertThat(System.nanoTime()).as("the runs finish within 30 s").isLessThan(deadline);
                    scheduler.runOnce(ALL_EVEN_PAUSED, Duration.ofMillis(50));
                }
                scheduler.runOnce(ALL_EVEN_PAUSED, Duration.ZERO); // the slots as the executor has them now
            }

            String text;
            try (AutoCloseable endpoint = engine.metricsEndpoint()) {
                int port = ((MetricsServer) endpoint).port();
                HttpResponse<String> r = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.CONTENT_TYPE);
                text = r.body();
            }

            assertThat(value(text, "gale_scheduler_loop_duration_seconds_count")).isPositive();
            assertThat(value(text, "gale_task_duration_seconds_count{dag_id=\"metered\",state=\"success\",task_id=\"a\"}")).isEqualTo(RUNS);
            assertThat(value(text, "gale_task_duration_seconds_sum{dag_id=\"metered\",state=\"success\",task_id=\"a\"}"))
                    .as("a works 20 ms a try").isGreaterThanOrEqualTo(RUNS * 0.02);
            assertThat(value(text, "gale_task_duration_seconds_count{dag_id=\"metered\",state=\"success\",task_id=\"b\"}")).isEqualTo(RUNS);
            assertThat(value(text, "gale_task_duration_seconds_count{dag_id=\"metered\",state=\"failed\",task_id=\"c\"}")).isEqualTo(RUNS);
            assertThat(value(text, "gale_task_upstream_latency_seconds_count")).as("b after a, c after b").isEqualTo(2 * RUNS);
            assertThat(value(text, "gale_task_upstream_latency_seconds_sum")).isGreaterThanOrEqualTo(0).isLessThan(2 * RUNS * 10.0);
            assertThat(value(text, "gale_dag_runs{state=\"failed\"}")).isEqualTo(RUNS);
            assertThat(value(text, "gale_dag_runs{state=\"success\"}")).isZero();
            assertThat(value(text, "gale_task_instances{state=\"success\"}")).isEqualTo(2 * RUNS);
            assertThat(value(text, "gale_task_instances{state=\"failed\"}")).isEqualTo(RUNS);
            assertThat(value(text, "gale_executor_open_slots")).isEqualTo(engine.config().parallelism());
            assertThat(value(text, "gale_executor_running_tasks")).isZero();
            assertThat(value(text, "gale_zombies_killed_total")).isZero();
            assertThat(value(text, "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}")).isPositive();
        }
    }

    @Test
    void theDagProcessorRecordsItsPasses(@TempDir Path dags) throws Exception {
        try (Harness h = new Harness(home)) {
            Engine engine = new Engine(GaleConfig.from(Map.of("GALE_HOME", home.toString(), "GALE_DAGS_FOLDER", dags.toString())),
                    h.db, h.bag, Clock.systemUTC(), Map.of());
            java.nio.file.Files.writeString(dags.resolve("Broken.java"), "public class Broken { not java }");
            io.gale.dagbag.DagProcessor.Pass pass;
            java.nio.file.Files.writeString(dags.resolve("Fine.java"), """
                    import io.gale.api.*;
                    public class Fine implements DagDefinition {
                        public Dag define() {
                            var dag = Dag.builder("fine");
                            dag.task("t", ctx -> 1);
                            return dag.build();
                        }
                    }
                    """);
            try (var processor = engine.operations().dagProcessor(engine.metrics())) {
                pass = processor.processOnce();
            }
            assertThat(pass.dags()).isPositive();
            String text = engine.metrics().scrape();
            assertThat(value(text, "gale_dag_processing_total_parse_time_seconds_count")).isEqualTo(1);
            assertThat(value(text, "gale_dag_processing_import_errors")).isEqualTo(1);
            assertThat(value(text, "gale_dagbag_size")).isEqualTo(pass.dags());
        }
    }

    @Test
    void aBadMetricsPortIsAOneLineConfigurationError() {
        assertThatThrownBy(() -> MetricsServer.startIfConfigured(Map.of("GALE_METRICS_PORT", "ninety"), Metrics.none()))
                .isInstanceOf(ConfigException.class).hasMessage("GALE_METRICS_PORT must be a port number from 0 to 65535, got 'ninety'");
        assertThat(MetricsServer.startIfConfigured(Map.of(), Metrics.none())).as("off by default").isEmpty();
    }

    /** The value of one series in Prometheus' text format; fails when the series is absent. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape.lines().filter(l -> l.startsWith("gale_")).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
