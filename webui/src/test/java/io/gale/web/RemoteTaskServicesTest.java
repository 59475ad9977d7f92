package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.api.Dag;
import io.gale.api.ModelNotFoundException;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelRegistryException;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.client.Workers;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.Json;
import io.gale.core.Role;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.dagbag.DagBag;
import io.gale.edge.EdgeWorker;
import io.gale.edge.WorkerClient;
import io.gale.edge.WorkerProtocol;
import io.gale.executor.TaskServices;
import io.gale.operators.recsys.ParseArtifactOperator;
import io.gale.operators.recsys.RegisterModelOperator;
import io.gale.scheduler.Scheduler;
import io.gale.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task on a remote worker reaches through the worker API (io.gale.edge.RemoteTaskServices):
 * it triggers another DAG (once, however often the call is sent) and uses the model registry with
 * the reference pipeline's register step; a worker speaking for a try it does not hold is refused.
 * A scheduler with {@code GALE_EXECUTOR=edge} and the web server run in this process, the worker
 * talks to the server over a real socket with a worker token.
 */
class RemoteTaskServicesTest {

    @TempDir
    Path home;

    /** Counted down by the {@code hold} task once it runs; the test then speaks for its try. */
    private static volatile CountDownLatch holding;
    /** Released by the test when it has spoken for the held try. */
    private static volatile CountDownLatch release;
    /** Where {@code remote_child}'s task appends its run id: one line per run that really ran. */
    private static volatile Path childRuns;

    private EdgeFixture edge;

    /**
     * The reference pipeline's last steps on a worker: parse the artifact, register it
     * (RegisterModelOperator), exercise the rest of the registry, trigger {@code remote_child}
     * twice without a run id, then hold the try until the test lets go.
     */
    static Dag parent(Path weights) {
        var dag = Dag.builder("remote_parent").param("artifact_path", weights.toString());
        var parse = dag.task("parse", new ParseArtifactOperator(null));
        var register = dag.task("register", new RegisterModelOperator("parse", null)).after(parse);
        var manage = dag.task("manage", ctx -> {
            ModelRegistry m = ctx.models();
            int first = ctx.xcomPull("register", "version", Integer.class);
            Map<String, Object> out = new LinkedHashMap<>();
            ModelRegistry.Registration weaker = m.register(new NewModelVersion("recvae", 0.1, Map.of("ndcg", 0.1),
                    Map.of("lr", 0.001), URI.create("file:///nowhere/weaker"), null, ctx.dataIntervalStart(),
                    ctx.dataIntervalEnd(), ctx.dagId(), ctx.runId()), PromotionPolicy.bestScore());
            int second = weaker.version().version();
            out.put("weaker", second + " " + weaker.promoted() + " " + weaker.reason());
            out.put("weaker_params", m.version("recvae", second).orElseThrow().params());
            out.put("production", m.production("recvae").map(ModelVersion::version).orElse(-1));
            out.put("promoted", m.promote("recvae", second).stage().id());
            out.put("rolled_back_to", m.rollback("recvae").version());
            try {
                m.delete("recvae", first);
            } catch (ModelRegistryException e) {
                out.put("delete_production", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            m.delete("recvae", second);
            out.put("versions", m.versions("recvae").stream().map(ModelVersion::version).toList());
            out.put("names", m.names());
            out.put("missing", m.version("recvae", 99).isPresent());
            try {
                m.rollback("recvae");
            } catch (ModelRegistryException e) {
                out.put("rollback_refused", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            try {
                m.promote("recvae", 99);
            } catch (ModelNotFoundException e) {
                out.put("promote_missing", e.getClass().getSimpleName());
            }
            return out;
        }).after(register);
        var kick = dag.task("kick", ctx -> {
            Map<String, Object> conf = Map.of("version", ctx.xcomPull("register", "version", Integer.class));
            String once = ctx.triggerDagRun("remote_child", null, conf);
            String again = ctx.triggerDagRun("remote_child", null, conf);
            return once + " " + again;
        }).after(manage);
        dag.task("hold", ctx -> {
            holding.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the held try");
            }
            return "held";
        }).after(kick);
        return dag.build();
    }

    /** Appends its run id and the conf's version to {@link #childRuns}: a side effect outside the database. */
    static Dag child() {
        var dag = Dag.builder("remote_child");
        dag.task("note", ctx -> {
            Files.writeString(childRuns, ctx.runId() + " version=" + ctx.conf().get("version") + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return ctx.runId();
        });
        return dag.build();
    }

    @BeforeEach
    void start() throws IOException {
        holding = new CountDownLatch(1);
        release = new CountDownLatch(1);
        childRuns = home.resolve("child-runs.txt");
        Path weights = Files.write(Files.createDirectories(home.resolve("model")).resolve("recvae_0.4213.safetensors"),
                new byte[] {1, 2, 3, 4, 5});
        Files.writeString(weights.resolveSibling("recvae_0.4213.json"), "{\"format\": 1}");
        DagBag bag = DagBag.of(parent(weights), child());
        edge = new EdgeFixture(home, bag, Map.of(), ops -> { },
                Scheduler.Settings.defaults().withHeartbeat(Duration.ofSeconds(1)).withZombieThreshold(Duration.ofSeconds(30)));
        edge.server.backend().auth().users().create("viewer", "viewer-password", Role.VIEWER);
        edge.started(new EdgeWorker(new EdgeWorker.Settings(List.of("default"), 2, Duration.ofMillis(300), Duration.ofMillis(100)),
                edge.client("w-remote"), bag, home.resolve("work"), Map.of(), Clock.systemUTC()));
    }

    @AfterEach
    void end() throws Exception {
        release.countDown();
        edge.close();
    }

    private DagRun awaitEnd(String dagId, String runId, Duration timeout) {
        Await.until(timeout, "run " + runId + " of " + dagId + " to finish; tasks: "
                + edge.engine.store().taskInstances().forRun(dagId, runId), () ->
                edge.engine.store().runs().find(dagId, runId).map(r -> r.state().finished()).orElse(false));
        return edge.engine.store().runs().find(dagId, runId).orElseThrow();
    }

    private String xcom(TaskKey key, String xcomKey) {
        return edge.engine.store().xcoms().get(key, xcomKey).orElse(null);
    }

    @Test
    void aTaskOnAWorkerTriggersADagOnceAndRegistersAModelAndAWorkerWithoutTheTryIsRefused() throws Exception {
        DagRun run = edge.engine.operations().trigger("remote_parent", Map.of(), null, null);
        TaskKey kick = new TaskKey("remote_parent", run.runId(), "kick");
        TaskKey hold = new TaskKey("remote_parent", run.runId(), "hold");
        assertThat(holding.await(60, TimeUnit.SECONDS)).as("the hold task to run on the worker; tasks: "
                + edge.engine.store().taskInstances().forRun("remote_parent", run.runId())).isTrue();

        // kick triggered remote_child twice without a run id: one run, its id derived from the try
        String kicked = Workers.triggeredRunId(kick, 1);
        assertThat(xcom(kick, "return_value")).isEqualTo(Json.write(kicked + " " + kicked));
        assertThat(edge.engine.store().logs().get(kick, 1).orElse("")).contains("triggered run " + kicked + " of remote_child")
                .contains("run " + kicked + " of remote_child exists already: not triggered again");

        // the worker holding the hold try sends the same trigger twice (a retried call): one run
        WorkerClient holder = edge.client("w-remote");
        TaskServices.Triggered sent = holder.triggerDagRun(hold, 1, "remote_child", null, Map.of("version", 1));
        TaskServices.Triggered resent = holder.triggerDagRun(hold, 1, "remote_child", null, Map.of("version", 1));
        assertThat(sent).isEqualTo(new TaskServices.Triggered(Workers.triggeredRunId(hold, 1), true));
        assertThat(resent).isEqualTo(new TaskServices.Triggered(sent.runId(), false));
        assertThatThrownBy(() -> holder.triggerDagRun(hold, 1, "no_such_dag", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_dag");

        // a worker that does not hold the try is refused, with a one-line 409, and changes nothing
        WorkerClient intruder = edge.client("w-intruder");
        assertThatThrownBy(() -> intruder.triggerDagRun(hold, 1, "remote_child", "intruded", Map.of()))
                .isInstanceOf(WorkerClient.TryNotHeldException.class)
                .hasMessage("worker 'w-intruder' does not hold try 1 of remote_parent.hold (" + run.runId()
                        + "): it was lost and retried, cleared, or never claimed");
        assertThatThrownBy(() -> intruder.models(hold, 1).register(new NewModelVersion("recvae", 0.99, Map.of(),
                URI.create("file:///intruded"), null, null))).isInstanceOf(WorkerClient.TryNotHeldException.class);
        assertThatThrownBy(() -> intruder.models(hold, 1).production("recvae")).isInstanceOf(WorkerClient.TryNotHeldException.class);
        assertThatThrownBy(() -> intruder.models(hold, 1).promote("recvae", 1)).isInstanceOf(WorkerClient.TryNotHeldException.class);
        HttpResponse<String> raw = post("/api/v2/gale/workers/w-intruder/dagRuns", Json.write(new WorkerProtocol.Trigger(hold, 1,
                "remote_child", "intruded", Map.of())));
        assertThat(raw.statusCode()).isEqualTo(409);
        assertThat(TestServer.json(raw).get("detail").asText()).contains("does not hold try 1").doesNotContain("\n");
        // ... and so is the holder naming another try number, or a try that has ended
        assertThatThrownBy(() -> holder.triggerDagRun(hold, 2, "remote_child", "intruded", Map.of()))
                .isInstanceOf(WorkerClient.TryNotHeldException.class);
        assertThatThrownBy(() -> holder.triggerDagRun(kick, 1, "remote_child", "intruded", Map.of()))
                .isInstanceOf(WorkerClient.TryNotHeldException.class);
        assertThatThrownBy(() -> holder.models(kick, 1).versions("recvae")).isInstanceOf(WorkerClient.TryNotHeldException.class);
        // and a worker without a valid token gets 401
        assertThatThrownBy(() -> new WorkerClient(edge.url(), "w-remote", "gale_wt_wrong").triggerDagRun(hold, 1, "remote_child", null,
                Map.of())).isInstanceOf(WorkerClient.TokenRefusedException.class);

        release.countDown();
        assertThat(awaitEnd("remote_parent", run.runId(), Duration.ofSeconds(60)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(awaitEnd("remote_child", kicked, Duration.ofSeconds(60)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(awaitEnd("remote_child", sent.runId(), Duration.ofSeconds(60)).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(edge.engine.store().runs().list("remote_child")).extracting(DagRun::runId)
                .containsExactlyInAnyOrder(kicked, sent.runId());
        assertThat(Files.readAllLines(childRuns)).as("each triggered run ran once")
                .containsExactlyInAnyOrder(kicked + " version=1", sent.runId() + " version=1");
        assertThat(edge.engine.store().taskInstances().forRun("remote_child", kicked)).singleElement()
                .satisfies(ti -> assertThat(ti.state()).isEqualTo(TaskState.SUCCESS));

        // the register step ran on the worker: version 1, production, visible in the REST API
        TaskKey register = new TaskKey("remote_parent", run.runId(), "register");
        assertThat(edge.engine.store().logs().get(register, 1).orElse("")).contains("Worker w-remote runs try 1")
                .contains("registered recvae version 1");
        assertThat(xcom(register, "promoted")).isEqualTo("true");
        HttpResponse<String> versions = get("/api/v2/gale/models/recvae/versions", userToken());
        assertThat(versions.statusCode()).isEqualTo(200);
        JsonNode listed = TestServer.json(versions);
        assertThat(listed.get("total_entries").asInt()).isEqualTo(1);
        JsonNode v1 = listed.get("versions").get(0);
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("stage").asText()).isEqualTo("production");
        assertThat(v1.get("score").asDouble()).isEqualTo(0.4213);
        assertThat(v1.get("run_id").asText()).isEqualTo(run.runId());
        assertThat(v1.get("artifact_uri").asText()).startsWith(home.resolve("artifacts").toUri().toString());
        assertThat(edge.engine.store().models().versions("recvae")).extracting(ModelVersion::version).containsExactly(1);

        // the rest of the registry, over the wire, with the registry's own answers
        @SuppressWarnings("unchecked")
        Map<String, Object> managed = Json.read(xcom(new TaskKey("remote_parent", run.runId(), "manage"), "return_value"), Map.class);
        assertThat(managed).containsEntry("weaker", "2 false score 0.1000 is below production version 1's (0.4213), which stays")
                .containsEntry("weaker_params", Map.of("lr", 0.001))
                .containsEntry("production", 1)
                .containsEntry("promoted", "production")
                .containsEntry("rolled_back_to", 1)
                .containsEntry("delete_production", "ModelRegistryException: model 'recvae' version 1 is in production and cannot be "
                        + "deleted: promote another version or roll back first")
                .containsEntry("versions", List.of(1))
                .containsEntry("names", List.of("recvae"))
                .containsEntry("missing", false)
                .containsEntry("promote_missing", "ModelNotFoundException");
        assertThat((String) managed.get("rollback_refused")).startsWith("ModelRegistryException: model 'recvae': no version was production before version 1");
    }

    private String userToken() {
        HttpResponse<String> r = post("/auth/token", "{\"username\": \"viewer\", \"password\": \"viewer-password\"}", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestServer.json(r).get("access_token").asText();
    }

    private HttpResponse<String> post(String path, String body) {
        return post(path, body, edge.token);
    }

    private HttpResponse<String> post(String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(edge.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    private HttpResponse<String> get(String path, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(edge.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
