package io.gale.web.api;

import io.gale.client.Operations;
import io.gale.client.Workers;
import io.gale.core.BadRequestException;
import io.gale.core.Json;
import io.gale.core.NotFoundException;
import io.gale.core.TaskKey;
import io.gale.edge.WorkerProtocol;
import io.gale.executor.TaskEvent;
import io.gale.store.EdgeRepository.Claimed;
import io.gale.store.EdgeRepository.WorkerState;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote workers' API ({@link WorkerProtocol}): every call needs a live worker token
 * ({@code gale workers token create}) as {@code Authorization: Bearer}, else 401 and nothing
 * happens. A worker changes no task instance: claims, log chunks and reports touch only the
 * tries it holds (409 otherwise); the scheduler records the ends.
 */
final class WorkersApi {

    private static final Logger LOG = LoggerFactory.getLogger(WorkersApi.class);

    private final Operations ops;

    WorkersApi(Operations ops) {
        this.ops = ops;
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
        ops.workers().heartbeat(worker, h.queues() == null ? List.of() : h.queues(), h.concurrency(), h.running(), state,
                "starting".equals(h.state()));
        json(ctx, 200, Json.write(new WorkerProtocol.Value(state.id())));
    }

    void claim(Context ctx) {
        String worker = worker(ctx);
        WorkerProtocol.Claim c = read(ctx, WorkerProtocol.Claim.class);
        List<Claimed> claimed = ops.workers().claim(worker, c.queues() == null ? List.of() : c.queues(), c.max());
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

    void run(Context ctx) {
        worker(ctx);
        String dagId = query(ctx, "dag_id");
        String runId = query(ctx, "run_id");
        json(ctx, 200, Json.write(ops.workers().run(dagId, runId).orElseThrow(() -> NotFoundException.run(dagId, runId))));
    }

    private static String query(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            throw new BadRequestException("query parameter '" + name + "' is required");
        }
        return v;
    }
}
