package io.gale.edge;

import io.gale.core.TaskKey;
import java.util.List;

/**
 * What remote workers and the API exchange (as JSON, camelCase), under
 * {@code /api/v2/gale/workers/{worker}/...} with {@code Authorization: Bearer <worker token>}:
 * {@code POST heartbeat} ({@link Heartbeat}), {@code POST claim} ({@link Claim}, answered with a
 * list of TaskWorkloads), {@code POST logs} ({@link LogChunk}), {@code POST report} (a TaskEvent;
 * 409 when the worker does not hold that try), and for running tasks {@code GET xcoms},
 * {@code GET variables/{key}}, {@code GET connections/{id}} and {@code GET dagRuns}.
 */
public final class WorkerProtocol {

    /** The path prefix of the worker API. */
    public static final String BASE = "/api/v2/gale/workers";

    private WorkerProtocol() {
    }

    /**
     * A worker's heartbeat; {@code state} is starting (the first, which registers it and lets go
     * of tries an earlier process of that name held), running or stopped.
     */
    public record Heartbeat(List<String> queues, int concurrency, int running, String state) {
    }

    /** Asks for up to {@code max} queued tries of {@code queues}. */
    public record Claim(List<String> queues, int max) {
    }

    /** A chunk of a running try's log. */
    /** One epoch of a training curve that a held try reports ({@code TaskContext.trainingMetrics()}). */
    public record Epoch(TaskKey key, int tryNumber, int epoch, java.util.Map<String, Double> metrics, double seconds) {
    }

    public record LogChunk(TaskKey key, int tryNumber, String text) {
    }

    /** A value found for a lookup (an XCom as JSON, a variable), or null. */
    public record Value(String value) {
    }
}
