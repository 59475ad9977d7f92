package io.gale.edge;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.core.TaskKey;
import java.util.List;
import java.util.Map;

/**
 * What remote workers and the API exchange (as JSON, camelCase), under
 * {@code /api/v2/gale/workers/{worker}/...} with {@code Authorization: Bearer <worker token>}:
 * {@code POST heartbeat} ({@link Heartbeat}), {@code POST claim} ({@link Claim}, answered with a
 * list of TaskWorkloads, at once or, with {@code waitMs}, once work is queued), {@code POST logs}
 * ({@link LogChunk}), {@code POST report} (a TaskEvent; 409 when the worker does not hold that
 * try), and for running tasks {@code GET xcoms},
 * {@code GET variables/{key}} and {@code GET connections/{id}}.
 *
 * <p>Calls a running task makes on behalf of its try name the try and are refused with 409 when the
 * worker does not hold it: {@code POST trainingMetrics} ({@link Epoch}), {@code POST dagRuns}
 * ({@link Trigger}, answered with a {@code TaskServices.Triggered}), and the model registry:
 * {@code POST models/{name}/versions} ({@link Registration}, answered with a
 * {@code ModelRegistry.Registration}), {@code POST models/{name}/versions/{version}/promote} and
 * {@code POST models/{name}/rollback} ({@link Held}, answered with a ModelVersion),
 * {@code GET models}, {@code GET models/{name}/versions}, {@code GET models/{name}/versions/{version}},
 * {@code GET models/{name}/production} and {@code DELETE models/{name}/versions/{version}}, which name
 * the try with the query parameters {@code dag_id}, {@code run_id}, {@code task_id} and
 * {@code try_number}. The registry answers 404 for a model or version it does not have and 422 for
 * a change it refuses (no version to roll back to, deleting the production version).
 */
public final class WorkerProtocol {

    /** The path prefix of the worker API. */
    public static final String BASE = "/api/v2/gale/workers";

    private WorkerProtocol() {
    }

    /**
     * A worker's heartbeat; {@code state} is starting (the first, which registers it and lets go
     * of tries an earlier process of that name held), running, stopping (it claims no more and
     * lets its running tries finish; recorded as running) or stopped.
     */
    public record Heartbeat(List<String> queues, int concurrency, int running, String state) {
    }

    /**
     * Asks for up to {@code max} queued tries of {@code queues}. With {@code waitMs} (a long poll),
     * when none is queued the API holds the claim until one is queued or that many milliseconds
     * pass ({@link #MAX_WAIT_MS} at most), then claims and answers; without it (as workers before
     * long polls send it) the API answers at once. A worker has one claim at a time: its new claim
     * or a heartbeat saying it starts, stops or is stopping answers its waiting claim (empty).
     */
    public record Claim(List<String> queues, int max, @JsonInclude(JsonInclude.Include.NON_NULL) Long waitMs) {
    }

    /** The longest a claim waits for work, in milliseconds: a longer {@code waitMs} is cut to it. */
    public static final long MAX_WAIT_MS = 20_000;

    /** One epoch of a training curve that a held try reports ({@code TaskContext.trainingMetrics()}). */
    public record Epoch(TaskKey key, int tryNumber, int epoch, Map<String, Double> metrics, double seconds) {
    }

    /** A chunk of a running try's log. */
    public record LogChunk(TaskKey key, int tryNumber, String text) {
    }

    /** A value found for a lookup (an XCom as JSON, a variable), or null. */
    public record Value(String value) {
    }

    /**
     * A held try triggers a run of {@code dagId} ({@code TaskContext.triggerDagRun}). Without a
     * {@code runId} the API derives one from the try, so the call sent again finds its run.
     */
    public record Trigger(TaskKey key, int tryNumber, String dagId, String runId, Map<String, Object> conf) {
    }

    /** A held try registers a model version under a promotion policy. */
    public record Registration(TaskKey key, int tryNumber, NewModelVersion version, PromotionPolicy policy) {
    }

    /** A held try, for registry changes that need nothing else (promote, roll back). */
    public record Held(TaskKey key, int tryNumber) {
    }
}
