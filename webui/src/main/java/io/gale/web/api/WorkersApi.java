package io.gale.web.api;

import io.gale.api.ModelNotFoundException;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelRegistryException;
import io.gale.api.PromotionPolicy;
import io.gale.client.Operations;
import io.gale.client.Workers;
import io.gale.core.BadRequestException;
import io.gale.core.Json;
import io.gale.core.NotFoundException;
import io.gale.core.TaskKey;
import io.gale.edge.WorkerProtocol;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskServices;
import io.gale.store.EdgeRepository.Claimed;
import io.gale.store.EdgeRepository.WorkerState;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UnauthorizedResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote workers' API ({@link WorkerProtocol}): every call needs a live worker token
 * ({@code gale workers token create}) as {@code Authorization: Bearer}, else 401 and nothing
 * happens. A worker changes no task instance: claims, log chunks and reports touch only the
 * tries it holds (409 otherwise); the scheduler records the ends. Its tasks trigger runs of other
 * DAGs and use the model registry for the tries it holds (409 otherwise), through the same
 * operations as the REST API.
 */
final class WorkersApi {

    private static final Logger LOG = LoggerFactory.getLogger(WorkersApi.class);

    private final Operations ops;
    private final ClaimWaits waits;

    WorkersApi(Operations ops, ClaimWaits waits) {
        this.ops = ops;
        this.waits = waits;
    }

    /** The worker named in the path, once its token is checked. */
    private String worker(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        String worker = ctx.pathParam("worker");
        if (ops.workers().authenticate(token).isEmpty()) {
            LOG.warn("Worker API: refused {} {} for worker '{}' from {}: missing, wrong or revoked worker token", ctx.method(),
                    ctx.path(), io.gale.core.Text.abbreviate(worker, 64), ctx.ip());
            throw new UnauthorizedResponse("Invalid or revoked worker token");
        }
        return Workers.checkName(worker, "a worker");
    }

    private static <T> T read(Context ctx, Class<T> type) {
        try {
            return Json.MAPPER.readValue(ctx.body(), type);
        } catch (java.io.IOException | RuntimeException e) {
            throw new BadRequestException("the body is not a valid " + type.getSimpleName() + ": "
                    + io.gale.core.Text.abbreviate(String.valueOf(e.getMessage()).lines().findFirst().orElse(""), 200));
        }
    }

    private static void json(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }

    void heartbeat(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Heartbeat h = read(ctx, WorkerProtocol.Heartbeat.class);
        WorkerState state = "stopped".equals(h.state()) ? WorkerState.STOPPED : WorkerState.RUNNING;
        if (!"running".equals(h.state())) { // starting, stopping or stopped: an earlier claim of this name waits in vain
            waits.answerEmpty(worker);
        }
        ops.workers().heartbeat(worker, h.queues() == null ? List.of() : h.queues(), h.concurrency(), h.running(), state,
                "starting".equals(h.state()));
        json(ctx, 200, Json.write(new WorkerProtocol.Value(state.id())));
    }

    /**
     * {@code POST claim}: answered at once, or with {@code waitMs} held (asynchronously, with no
     * database connection) until a try is queued for one of its queues or the wait ends.
     */
    void claim(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Claim c = read(ctx, WorkerProtocol.Claim.class);
        List<String> queues = c.queues() == null ? List.of() : c.queues();
        if (c.waitMs() == null || c.waitMs() <= 0 || c.max() < 1 || queues.isEmpty()) {
            waits.answerEmpty(worker); // this claim replaces one that waits
            answer(ctx, worker, ops.workers().claim(worker, queues, c.max()));
            return;
        }
        // a claim that fails goes to the server's exception handlers, as a synchronous one does (503 for the database)
        ctx.future(() -> waits.claim(worker, queues, c.max(), Duration.ofMillis(c.waitMs()))
                .thenAccept(claimed -> answer(ctx, worker, claimed)));
    }

    private static void answer(Context ctx, String worker, List<Claimed> claimed) {
        claimed.forEach(j -> LOG.info("Worker {} claimed try {} of {}.{} ({})", worker, j.tryNumber(), j.key().dagId(),
                j.key().taskId(), j.key().runId()));
        json(ctx, 200, claimed.stream().map(Claimed::workload).collect(Collectors.joining(",", "[", "]")));
    }

    void logs(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.LogChunk chunk = read(ctx, WorkerProtocol.LogChunk.class);
        if (chunk.key() == null || chunk.text() == null) {
            throw new BadRequestException("a log chunk needs key, tryNumber and text");
        }
        ops.workers().appendLog(worker, chunk.key(), chunk.tryNumber(), chunk.text());
        ctx.status(204);
    }

    void trainingMetrics(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Epoch e = read(ctx, WorkerProtocol.Epoch.class);
        if (e.key() == null || e.metrics() == null) {
            throw new BadRequestException("an epoch needs key, tryNumber, epoch, metrics and seconds");
        }
        ops.workers().recordEpoch(worker, e.key(), e.tryNumber(), e.epoch(), e.metrics(), e.seconds());
        ctx.status(204);
    }

    void report(Context ctx) {
        String worker = worker(ctx);
        ops.workers().report(worker, read(ctx, TaskEvent.class));
        ctx.status(204);
    }

    void xcom(Context ctx) {
        worker(ctx);
        TaskKey key = new TaskKey(query(ctx, "dag_id"), query(ctx, "run_id"), query(ctx, "task_id"));
        json(ctx, 200, Json.write(new WorkerProtocol.Value(ops.workers().xcom(key, query(ctx, "key")).orElse(null))));
    }

    void variable(Context ctx) {
        worker(ctx);
        json(ctx, 200, Json.write(new WorkerProtocol.Value(ops.workers().variable(ctx.pathParam("key")).orElse(null))));
    }

    void connection(Context ctx) {
        worker(ctx);
        String id = ctx.pathParam("conn_id");
        json(ctx, 200, Json.write(ops.workers().connection(id)
                .orElseThrow(() -> new NotFoundException("connection '" + id + "' not found"))));
    }

    /** {@code POST dagRuns}: a held try triggers a run (201 when queued, 200 when it existed). */
    void trigger(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Trigger t = read(ctx, WorkerProtocol.Trigger.class);
        if (t.key() == null || t.dagId() == null) {
            throw new BadRequestException("a trigger needs key, tryNumber and dagId (runId and conf may be left out)");
        }
        TaskServices.Triggered triggered = ops.workers().triggerDagRun(worker, t.key(), t.tryNumber(), t.dagId(), t.runId(),
                t.conf() == null ? Map.of() : t.conf());
        json(ctx, triggered.created() ? 201 : 200, Json.write(triggered));
    }

    /** {@code POST models/{name}/versions}: a held try registers a version (201). */
    void registerModel(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Registration r = read(ctx, WorkerProtocol.Registration.class);
        if (r.key() == null || r.version() == null) {
            throw new BadRequestException("a registration needs key, tryNumber and version (policy may be left out)");
        }
        String name = ctx.pathParam("model_name");
        if (!name.equals(r.version().name())) {
            throw new BadRequestException("the version is of model '" + r.version().name() + "', not '" + name + "' as the path says");
        }
        PromotionPolicy policy = r.policy() == null ? PromotionPolicy.bestScore() : r.policy();
        json(ctx, 201, Json.write(registry(() -> ops.workers().models(worker, r.key(), r.tryNumber()).register(r.version(), policy))));
    }

    /** {@code GET models}: the names of the registered models. */
    void modelNames(Context ctx) {
        json(ctx, 200, Json.write(heldRegistry(ctx).names()));
    }

    /** {@code GET models/{name}/versions}: a model's versions, newest first (empty when none). */
    void modelVersions(Context ctx) {
        json(ctx, 200, Json.write(heldRegistry(ctx).versions(ctx.pathParam("model_name"))));
    }

    /** {@code GET models/{name}/versions/{version}}: one version, or 404. */
    void modelVersion(Context ctx) {
        String name = ctx.pathParam("model_name");
        int version = version(ctx);
        json(ctx, 200, Json.write(heldRegistry(ctx).version(name, version).orElseThrow(() -> new NotFoundException(
                "model '" + name + "' has no version " + version))));
    }

    /** {@code GET models/{name}/production}: the production version, or 404. */
    void productionModel(Context ctx) {
        String name = ctx.pathParam("model_name");
        json(ctx, 200, Json.write(heldRegistry(ctx).production(name).orElseThrow(() -> new NotFoundException(
                "model '" + name + "' has no production version"))));
    }

    /** {@code POST models/{name}/versions/{version}/promote}: makes the version production. */
    void promoteModel(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Held h = held(ctx);
        String name = ctx.pathParam("model_name");
        int version = version(ctx);
        json(ctx, 200, Json.write(registry(() -> ops.workers().models(worker, h.key(), h.tryNumber()).promote(name, version))));
    }

    /** {@code POST models/{name}/rollback}: restores the version that was production before. */
    void rollbackModel(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Held h = held(ctx);
        String name = ctx.pathParam("model_name");
        json(ctx, 200, Json.write(registry(() -> ops.workers().models(worker, h.key(), h.tryNumber()).rollback(name))));
    }

    /** {@code DELETE models/{name}/versions/{version}}: deletes a version that is not production (204). */
    void deleteModel(Context ctx) {
        ModelRegistry models = heldRegistry(ctx);
        String name = ctx.pathParam("model_name");
        int version = version(ctx);
        registry(() -> {
            models.delete(name, version);
            return null;
        });
        ctx.status(204);
    }

    private WorkerProtocol.Held held(Context ctx) {
        WorkerProtocol.Held h = read(ctx, WorkerProtocol.Held.class);
        if (h.key() == null) {
            throw new BadRequestException("the body needs key and tryNumber: the try this call is for");
        }
        return h;
    }

    /** The registry for the held try a GET or DELETE names in its query ({@code dag_id, run_id, task_id, try_number}). */
    private ModelRegistry heldRegistry(Context ctx) {
        String worker = worker(ctx);
        TaskKey key = new TaskKey(query(ctx, "dag_id"), query(ctx, "run_id"), query(ctx, "task_id"));
        return ops.workers().models(worker, key, number(query(ctx, "try_number"), "try_number"));
    }

    private static int version(Context ctx) {
        return number(ctx.pathParam("version"), "version");
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequestException(what + " must be a whole number, got '" + io.gale.core.Text.abbreviate(text, 20) + "'");
        }
    }

    /**
     * A registry call: a change the registry refuses (no version to roll back to, the production
     * version deleted) is 422, so that 409 always means the worker does not hold the try.
     */
    private static <T> T registry(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ModelNotFoundException e) {
            throw e;
        } catch (ModelRegistryException e) {
            throw new HttpResponseException(422, e.getMessage());
        }
    }

    private static String query(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            throw new BadRequestException("query parameter '" + name + "' is required");
        }
        return v;
    }
}
