package io.gale.operators.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.TryOutcome;
import io.gale.scheduler.Scheduler;
import io.gale.store.DagRunRepository.Scope;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes executor under a real scheduler and PostgreSQL, against fabric8's API mock in
 * CRUD mode; the test plays the kubelet (pod phases, container states) and serves pod logs.
 */
class KubernetesExecutorTest {

    @TempDir
    Path home;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static Path template(String name) throws Exception {
        return Path.of(KubernetesExecutorTest.class.getResource("/templates/" + name).toURI());
    }

    static KubernetesSettings settings() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GALE_KUBERNETES_POD_TEMPLATE", template("pod.yaml").toString());
        env.put("GALE_KUBERNETES_POD_TEMPLATE_GPU", template("gpu.yaml").toString());
        env.put("GALE_KUBERNETES_TASK_TEMPLATES", "train.fit*=gpu");
        env.put("GALE_KUBERNETES_NAMESPACE", MockCluster.NAMESPACE);
        return KubernetesSettings.from(env, 4, null).withTimes(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(20));
    }

    private <T extends AutoCloseable> T open(T c) {
        open.add(c);
        return c;
    }

    private Harness harness(Dag... dags) {
        return open(new Harness(home, dags));
    }

    private Scheduler scheduler(Harness h, KubernetesExecutor executor) {
        open(executor);
        return open(h.engine().newScheduler(executor,
                Scheduler.Settings.defaults().withCreateRuns(false).withZombieThreshold(Duration.ofSeconds(30))));
    }

    /** Runs the scheduler's loop until {@code done}, failing with {@code what} after 30 s. */
    private static void until(Scheduler s, DagRun run, String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 30 s: " + what);
            }
            s.runOnce(Scope.run(run.dagId(), run.runId()), Duration.ofMillis(50));
        }
    }

    private static String outcome(TaskState state, Map<String, String> xcoms) {
        Instant t = Instant.parse("2026-01-01T00:00:01Z");
        return new TryOutcome(state, null, xcoms, t, t.plusSeconds(1)).line() + "\n";
    }

    /** The task instance's state, or null before the scheduler made it. */
    private static TaskState state(Harness h, DagRun run, String task) {
        return h.store.taskInstances().forRun(run.dagId(), run.runId()).stream().filter(t -> t.taskId().equals(task))
                .map(t -> t.state()).findFirst().orElse(null);
    }

    @Test
    void eachTryRunsInAPodFromItsTemplateAndTheRunSucceeds() throws Exception {
        var dag = Dag.builder("train");
        dag.task("prepare", ctx -> "never runs here").then(dag.task("fit_model", ctx -> "never runs here either"));
        Harness h = harness(dag.build());
        MockCluster k = open(new MockCluster());
        Scheduler s = scheduler(h, new KubernetesExecutor(k.client(), settings(), h.clock));
        DagRun run = h.trigger("train", Map.of());
        String prepare = KubernetesExecutor.podName(new TaskKey("train", run.runId(), "prepare"), 1);
        until(s, run, "the pod of prepare", () -> k.pod(prepare) != null);

        Pod pod = k.pod(prepare);
        assertThat(prepare).hasSizeLessThanOrEqualTo(63).startsWith("gale-train-prepare-");
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/gale:1.0");
        assertThat(c.getCommand()).containsExactly("/opt/gale/gale", "tasks", "run", "train", "prepare", run.runId(), "--try", "1");
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("1Gi"));
        assertThat(c.getEnv()).extracting(e -> e.getName()).contains("GALE_DATABASE_URL");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("pool", "batch");
        assertThat(pod.getSpec().getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("gale-task");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        Map<String, String> labels = pod.getMetadata().getLabels();
        assertThat(labels).containsEntry("team", "recsys").containsEntry("app.kubernetes.io/managed-by", "gale")
                .containsEntry("gale.io/dag-id", "train").containsEntry("gale.io/task-id", "prepare")
                .containsEntry("gale.io/try-number", "1")
                .containsEntry("gale.io/scheduler-job", String.valueOf(h.ti(run, "prepare").schedulerId()));
        assertThat(labels.get("gale.io/run-id")).matches("[A-Za-z0-9][-A-Za-z0-9_.]{0,61}[A-Za-z0-9]").isNotEqualTo(run.runId());
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("gale.io/run-id", run.runId());

        k.phase(prepare, "Running");
        k.end(prepare, "Succeeded", "[2026-01-01T00:00:01Z] INFO - prepared 3 files\n"
                + outcome(TaskState.SUCCESS, Map.of("return_value", "{\"files\":3}")));
        until(s, run, "prepare recorded as success", () -> state(h, run, "prepare") == TaskState.SUCCESS);
        assertThat(h.store.xcoms().list(new TaskKey("train", run.runId(), "prepare")))
                .extracting(x -> x.key() + "=" + io.gale.core.Json.read(x.json(), Map.class)).containsExactly("return_value={files=3}");
        assertThat(h.client().log("train", run.runId(), "prepare", 1)).contains("prepared 3 files", "Ran in pod " + prepare)
                .doesNotContain(TryOutcome.PREFIX);
        until(s, run, "the pod of prepare deleted once reported", () -> k.pod(prepare) == null);

        // fit_model matches train.fit*=gpu: its pod comes from the gpu template
        String fit = KubernetesExecutor.podName(new TaskKey("train", run.runId(), "fit_model"), 1);
        until(s, run, "the pod of fit_model", () -> k.pod(fit) != null);
        Pod gpu = k.pod(fit);
        Container g = gpu.getSpec().getContainers().get(0);
        assertThat(g.getImage()).isEqualTo("registry.example/gale-gpu:1.0");
        assertThat(g.getCommand()).containsExactly("gale", "tasks", "run", "train", "fit_model", run.runId(), "--try", "1");
        assertThat(g.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(gpu.getSpec().getNodeSelector()).containsExactly(Map.entry("accelerator", "nvidia-l4"));
        assertThat(gpu.getSpec().getTolerations()).extracting(t -> t.getKey()).containsExactly("nvidia.com/gpu");

        k.end(fit, "Succeeded", outcome(TaskState.SUCCESS, Map.of()));
        until(s, run, "the run to succeed", () -> h.store.runs().find("train", run.runId()).orElseThrow().state() == DagRunState.SUCCESS);
        until(s, run, "no pod left", () -> k.pods().isEmpty());
        assertThat(k.created).containsExactlyInAnyOrder(prepare, fit);
    }

    @Test
    void aTryWhosePodSomeoneElseDeletedIsRetriedInANewPod() throws Exception {
        var dag = Dag.builder("flaky");
        dag.task("t", ctx -> 1).retries(1).retryDelay(Duration.ofSeconds(1));
        Harness h = harness(dag.build());
        MockCluster k = open(new MockCluster());
        Scheduler s = scheduler(h, new KubernetesExecutor(k.client(), settings(), h.clock));
        DagRun run = h.trigger("flaky", Map.of());
        TaskKey key = new TaskKey("flaky", run.runId(), "t");
        String first = KubernetesExecutor.podName(key, 1);
        until(s, run, "the first pod", () -> k.pod(first) != null);
        k.phase(first, "Running");
        k.delete(first);
        until(s, run, "try 1 up for retry", () -> state(h, run, "t") == TaskState.UP_FOR_RETRY);
        assertThat(h.client().log("flaky", run.runId(), "t", 1)).contains("was deleted by someone else before it ended",
                "marked up_for_retry");

        h.clock.advance(Duration.ofSeconds(2)); // past the retry delay
        String second = KubernetesExecutor.podName(key, 2);
        assertThat(second).isNotEqualTo(first);
        until(s, run, "the second try's pod", () -> k.pod(second) != null);
        assertThat(k.pod(second).getMetadata().getLabels()).containsEntry("gale.io/try-number", "2");
        k.end(second, "Succeeded", outcome(TaskState.SUCCESS, Map.of("return_value", "1")));
        until(s, run, "the run to succeed", () -> h.store.runs().find("flaky", run.runId()).orElseThrow().state() == DagRunState.SUCCESS);
        assertThat(h.ti(run, "t").tryNumber()).isEqualTo(2);
        assertThat(k.created).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aPodThatFailsWithoutAnOutcomeEndsItsTryWithTheReason() throws Exception {
        var dag = Dag.builder("heavy");
        dag.task("oom", ctx -> 1);
        dag.task("pull", ctx -> 1);
        dag.task("crash", ctx -> 1).retries(2);
        Harness h = harness(dag.build());
        MockCluster k = open(new MockCluster());
        Scheduler s = scheduler(h, new KubernetesExecutor(k.client(), settings(), h.clock));
        DagRun run = h.trigger("heavy", Map.of());
        String oom = KubernetesExecutor.podName(new TaskKey("heavy", run.runId(), "oom"), 1);
        String pull = KubernetesExecutor.podName(new TaskKey("heavy", run.runId(), "pull"), 1);
        String crash = KubernetesExecutor.podName(new TaskKey("heavy", run.runId(), "crash"), 1);
        until(s, run, "three pods", () -> k.pods().size() == 3);

        k.oomKilled(oom, "[2026-01-01T00:00:01Z] INFO - loading 40 GB\n");
        until(s, run, "oom failed", () -> state(h, run, "oom") == TaskState.FAILED);
        assertThat(h.client().log("heavy", run.runId(), "oom", 1)).contains("loading 40 GB",
                "without an outcome line: container base: OOMKilled, exit code 137", "marked failed");

        // a container that died before printing an outcome, on its first of three tries
        k.end(crash, "Failed", "Exception in thread \"main\" java.lang.NoClassDefFoundError\n");
        until(s, run, "crash up for retry", () -> state(h, run, "crash") == TaskState.UP_FOR_RETRY);

        k.imagePullError(pull);
        until(s, run, "pull failed after the pending timeout", () -> {
            h.clock.advance(Duration.ofMillis(500)); // the executor's clock: 2 s of image pull errors pass
            return state(h, run, "pull") == TaskState.FAILED;
        });
        assertThat(h.client().log("heavy", run.runId(), "pull", 1)).contains("could not pull its image for 2 s",
                "ImagePullBackOff");
        until(s, run, "the ended pods deleted", () -> k.pod(oom) == null && k.pod(pull) == null && k.pod(crash) == null);
    }

    @Test
    void aRestartedSchedulerAdoptsTheRunningPodAndReportsItsEnd() throws Exception {
        var dag = Dag.builder("long");
        dag.task("t", ctx -> 1).retries(1);
        Harness h = harness(dag.build());
        MockCluster k = open(new MockCluster());
        KubernetesExecutor firstExecutor = new KubernetesExecutor(k.client(), settings(), h.clock);
        Scheduler first = scheduler(h, firstExecutor);
        DagRun run = h.trigger("long", Map.of());
        String pod = KubernetesExecutor.podName(new TaskKey("long", run.runId(), "t"), 1);
        until(first, run, "the pod", () -> k.pod(pod) != null);
        k.phase(pod, "Running");
        long firstJob = h.ti(run, "t").schedulerId();

        firstExecutor.halt(); // the first scheduler is killed: nothing deleted, nothing watched
        h.clock.advance(Duration.ofSeconds(61)); // its heartbeat is now stale
        Scheduler second = scheduler(h, new KubernetesExecutor(k.client(), settings(), h.clock));
        until(second, run, "the try adopted", () -> h.ti(run, "t").schedulerId() != firstJob);
        long secondJob = h.ti(run, "t").schedulerId();
        assertThat(h.ti(run, "t").state()).isEqualTo(TaskState.RUNNING);
        assertThat(h.ti(run, "t").tryNumber()).isEqualTo(1);
        assertThat(k.pod(pod).getMetadata().getLabels()).containsEntry("gale.io/scheduler-job", String.valueOf(secondJob));

        k.end(pod, "Succeeded", "[2026-01-01T00:01:05Z] INFO - finished after the restart\n"
                + outcome(TaskState.SUCCESS, Map.of("return_value", "7")));
        until(second, run, "the run to succeed", () -> h.store.runs().find("long", run.runId()).orElseThrow().state() == DagRunState.SUCCESS);
        assertThat(h.ti(run, "t").tryNumber()).isEqualTo(1);
        assertThat(h.client().log("long", run.runId(), "t", 1)).contains("finished after the restart");
        assertThat(k.created).as("the second scheduler made no pod of its own").containsExactly(pod);
        until(second, run, "the pod deleted", () -> k.pod(pod) == null);
    }

    @Test
    void failingApiCallsAreRetriedWithBackoff() throws Exception {
        var dag = Dag.builder("api");
        dag.task("t", ctx -> 1);
        Harness h = harness(dag.build());
        MockCluster k = open(new MockCluster());
        k.server.expect().post().withPath("/api/v1/namespaces/" + MockCluster.NAMESPACE + "/pods")
                .andReturn(500, "etcdserver: request timed out").times(2);
        Scheduler s = scheduler(h, new KubernetesExecutor(k.client(), settings(), h.clock));
        DagRun run = h.trigger("api", Map.of());
        String pod = KubernetesExecutor.podName(new TaskKey("api", run.runId(), "t"), 1);
        until(s, run, "the pod, after two 500s", () -> k.pod(pod) != null);

        k.server.expect().get().withPath(MockCluster.logPath(pod)).andReturn(503, "apiserver overloaded").once();
        k.end(pod, "Succeeded", "[2026-01-01T00:00:01Z] INFO - done\n" + outcome(TaskState.SUCCESS, Map.of()));
        until(s, run, "the run to succeed", () -> h.store.runs().find("api", run.runId()).orElseThrow().state() == DagRunState.SUCCESS);
        assertThat(h.client().log("api", run.runId(), "t", 1)).contains("done");

        int posts = 0;
        int logReads = 0;
        for (var r = k.server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
             r = k.server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (r.getMethod().equals("POST") && r.getPath().startsWith("/api/v1/namespaces/" + MockCluster.NAMESPACE + "/pods")) {
                posts++;
            }
            if (r.getPath().startsWith(MockCluster.logPath(pod).replace("?pretty=false", ""))) {
                logReads++;
            }
        }
        assertThat(posts).as("two failed creates, then one that worked").isEqualTo(3);
        assertThat(logReads).as("one 503, then the log").isEqualTo(2);
        assertThat(k.created).containsExactly(pod);
    }

    @Test
    void anApiServerThatRefusesConnectionsIsRetriedThenTheTryEnds() throws Exception {
        var dag = Dag.builder("offline");
        dag.task("t", ctx -> 1);
        Harness h = harness(dag.build());
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: connections to it are refused
        }
        var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
                        .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).build()).build();
        // the scheduler starts although the watch cannot (it keeps trying); creates are retried for 1 s
        Scheduler s = scheduler(h, new KubernetesExecutor(client, settings().withTimes(Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMillis(50)), h.clock));
        DagRun run = h.trigger("offline", Map.of());
        until(s, run, "the try to fail", () -> state(h, run, "t") == TaskState.FAILED);
        assertThat(h.client().log("offline", run.runId(), "t", 1)).contains("cannot create pod", "no response (", "Connection refused", "marked failed");
    }
}
