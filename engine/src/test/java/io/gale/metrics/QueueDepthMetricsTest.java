package io.gale.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.config.GaleConfig;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunKey;
import io.gale.core.TaskKey;
import io.gale.runtime.Engine;
import io.gale.store.EdgeRepository.NewJob;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.Harness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tries queued for remote workers show as gauges by queue and by pool, read by one cached query (real PostgreSQL, real sockets). */
class QueueDepthMetricsTest {

    @TempDir
    Path home;

    private static Dag dag() {
        var dag = Dag.builder("queues");
        dag.task("a", ctx -> 1);
        dag.task("b", ctx -> 1);
        dag.task("c", ctx -> 1).queue("gpu");
        return dag.build();
    }

    @Test
    void theScrapeShowsTriesWaitingForAWorkerByQueueAndPool() throws Exception {
        try (Harness h = new Harness(home, dag())) {
            DagRun run = h.trigger("queues", Map.of());
            h.store.transact(tx -> {
                tx.runs().setState("queues", run.runId(), DagRunState.RUNNING, h.clock.instant());
                tx.taskInstances().createMissing(Map.of(new RunKey("queues", run.runId()),
                        List.of(new NewTask("a", 1, "lambda"), new NewTask("b", 1, "lambda"), new NewTask("c", 1, "lambda"))));
            });
            Engine engine = new Engine(GaleConfig.from(Map.of("GALE_HOME", home.toString())), h.db, h.bag, Clock.systemUTC(),
                    Map.of("GALE_METRICS_PORT", "0", "GALE_METRICS_HOST", "127.0.0.1"));
            h.store.taskInstances().markRunning(List.of(new Start(key(run, "a"), 1), new Start(key(run, "b"), 1),
                    new Start(key(run, "c"), 1, "gpu", "gpu_slots", 1)), h.clock.instant(), "here", 1, 1);
            h.store.edge().enqueue(List.of(job(run, "a", "default"), job(run, "b", "default"), job(run, "c", "gpu")), h.clock.instant());

            try (AutoCloseable endpoint = engine.metricsEndpoint()) {
                int port = ((MetricsServer) endpoint).port();
                String text = scrape(port);
                assertThat(value(text, "gale_queue_depth{queue=\"default\"}")).isEqualTo(2);
                assertThat(value(text, "gale_queue_depth{queue=\"gpu\"}")).isEqualTo(1);
                assertThat(value(text, "gale_pool_queue_depth{pool=\"default_pool\"}")).isEqualTo(2);
                assertThat(value(text, "gale_pool_queue_depth{pool=\"gpu_slots\"}")).isEqualTo(1);

                h.store.edge().claim("w1", List.of("default"), 5, h.clock.instant());
                assertThat(value(scrape(port), "gale_queue_depth{queue=\"default\"}")).as("read at most every 10 s").isEqualTo(2);
            }
        }
    }

    @Test
    void theQueryRunsAtMostOncePerMaxAgeAndAClaimedQueueDropsToZero() {
        Metrics metrics = Metrics.prometheus();
        AtomicInteger reads = new AtomicInteger();
        List<List<Metrics.QueueDepth>> answers = List.of(
                List.of(new Metrics.QueueDepth("default", "default_pool", 4), new Metrics.QueueDepth("gpu", "gpu_slots", 1)),
                List.of(new Metrics.QueueDepth("gpu", "gpu_slots", 3)));
        Duration maxAge = Duration.ofMillis(300);
        metrics.watchQueues(() -> answers.get(Math.min(reads.getAndIncrement(), 1)), maxAge);
        String first = metrics.scrape();
        assertThat(value(first, "gale_queue_depth{queue=\"default\"}")).isEqualTo(4);
        assertThat(value(first, "gale_pool_queue_depth{pool=\"gpu_slots\"}")).isEqualTo(1);
        metrics.scrape();
        assertThat(reads.get()).as("one query for both scrapes and every gauge").isEqualTo(1);
        long until = System.nanoTime() + maxAge.toNanos();
        io.gale.testing.Await.until(Duration.ofSeconds(5), "the cached depths to age", () -> System.nanoTime() > until);
        String later = metrics.scrape();
        assertThat(reads.get()).isEqualTo(2);
        assertThat(value(later, "gale_queue_depth{queue=\"default\"}")).as("nothing waits there any more").isZero();
        assertThat(value(later, "gale_queue_depth{queue=\"gpu\"}")).isEqualTo(3);
        assertThat(value(later, "gale_pool_queue_depth{pool=\"default_pool\"}")).isZero();
    }

    private static TaskKey key(DagRun run, String task) {
        return new TaskKey("queues", run.runId(), task);
    }

    private static NewJob job(DagRun run, String task, String queue) {
        return new NewJob(key(run, task), 1, 1, queue, "1:here", "{}");
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
