package io.gale.edge;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.core.GaleException;
import io.gale.core.Json;
import io.gale.core.TaskKey;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskServices;
import io.gale.executor.TaskWorkload;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the worker API ({@link WorkerProtocol}) over {@link HttpClient}. The token
 * is sent as a bearer header and never appears in messages or logs.
 */
public final class WorkerClient {

    /** The API refused the worker token (401). */
    public static final class TokenRefusedException extends GaleException {
        public TokenRefusedException(String apiUrl) {
            super("the API at " + apiUrl + " refused the worker token (401): check GALE_WORKER_TOKEN ('gale workers token create NAME' makes one)");
        }
    }

    /**
     * The API refused a call a task made for its try (409): this worker no longer holds the try
     * (it was declared lost and retried, or cleared). The message is the API's one line.
     */
    public static final class TryNotHeldException extends GaleException {
        public TryNotHeldException(String message) {
            super(message);
        }
    }

    /** The API could not be reached or answered an error other than 401 and 409. */
    public static final class UnreachableException extends GaleException {
        public UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How long a call may take (a waiting claim: this beyond its wait). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(WorkerClient.class);

    private final String apiUrl;
    private final String worker;
    private volatile boolean longPolls = true;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param apiUrl the web server, e.g. {@code http://scheduler-host:8080}
     * @param worker this worker's name
     * @param token  a worker token
     */
    public WorkerClient(String apiUrl, String worker, String token) {
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.worker = worker;
        this.token = token == null ? "" : token;
    }

    public String worker() {
        return worker;
    }

    /** A worker's state as its heartbeat says it. */
    public enum Phase {
        STARTING, RUNNING, STOPPING, STOPPED;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Heartbeats; the first ({@link Phase#STARTING}) registers the worker. */
    public void heartbeat(List<String> queues, int concurrency, int running, Phase phase) {
        heartbeat(queues, concurrency, running, phase, TIMEOUT);
    }

    /** Heartbeats, giving up after {@code timeout} (e.g. while stopping). */
    public void heartbeat(List<String> queues, int concurrency, int running, Phase phase, Duration timeout) {
        HttpResponse<String> r = exchange("POST", "heartbeat", Json.write(new WorkerProtocol.Heartbeat(queues, concurrency, running,
                phase.id())), timeout);
        if (r.statusCode() / 100 != 2) {
            throw unexpected("POST", "heartbeat", r);
        }
    }

    /** Claims up to {@code max} tries of {@code queues}, answered at once. */
    public List<TaskWorkload> claim(List<String> queues, int max) {
        return claim(queues, max, Duration.ZERO);
    }

    /**
     * Claims up to {@code max} tries of {@code queues}; when none is queued, the API holds the
     * claim until one is or {@code wait} passes (a long poll; an API that does not know long
     * polls answers at once from then on). Interrupting the calling thread aborts the call.
     */
    public List<TaskWorkload> claim(List<String> queues, int max, Duration wait) {
        long waitMs = longPolls ? Math.min(wait.toMillis(), WorkerProtocol.MAX_WAIT_MS) : 0;
        HttpResponse<String> r = exchange("POST", "claim", Json.write(new WorkerProtocol.Claim(queues, max, waitMs > 0 ? waitMs : null)),
                Duration.ofMillis(waitMs).plus(TIMEOUT));
        if (r.statusCode() == 400 && waitMs > 0) { // an API from before long polls refuses the unknown waitMs
            longPolls = false;
            LOG.info("The API at {} does not hold claims until work is queued: worker {} asks again every idle poll", apiUrl, worker);
            return claim(queues, max, Duration.ZERO);
        }
        if (r.statusCode() / 100 != 2) {
            throw unexpected("POST", "claim", r);
        }
        String body = r.body();
        try {
            return Json.MAPPER.readValue(body, new TypeReference<List<TaskWorkload>>() { });
        } catch (IOException e) {
            throw new UnreachableException("the API answered a claim with something that is not a list of tries: " + e.getMessage(), e);
        }
    }

    /** Appends to a held try's log; false when the API refused it (409: this worker no longer holds the try). */
    public boolean log(TaskKey key, int tryNumber, String text) {
        return send("POST", "logs", Json.write(new WorkerProtocol.LogChunk(key, tryNumber, text))).statusCode() != 409;
    }

    /** Sends an epoch of a held try's training curve; false when the API refuses it (the try is no longer this worker's). */
    public boolean trainingEpoch(TaskKey key, int tryNumber, int epoch, Map<String, Double> metrics, double seconds) {
        return send("POST", "trainingMetrics", Json.write(new WorkerProtocol.Epoch(key, tryNumber, epoch, metrics, seconds)))
                .statusCode() != 409;
    }

    /** Reports a try's end; false when the API refused it (409: this worker no longer holds the try). */
    public boolean report(TaskEvent event) {
        return send("POST", "report", Json.write(event)).statusCode() != 409;
    }

    /**
     * Triggers a run of {@code dagId} for held try {@code tryNumber} of {@code key}: queued by the
     * API unless run {@code runId} exists (without a run id, the API derives one from the try).
     * Sending it again finds the same run.
     *
     * @throws TryNotHeldException      when this worker does not hold the try
     * @throws IllegalArgumentException when the DAG is unknown or the run id is invalid
     */
    public TaskServices.Triggered triggerDagRun(TaskKey key, int tryNumber, String dagId, String runId, Map<String, Object> conf) {
        HttpResponse<String> r = fenced("POST", "dagRuns", Json.write(new WorkerProtocol.Trigger(key, tryNumber, dagId, runId,
                conf == null ? Map.of() : conf)));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalArgumentException(detail(r));
        }
        return Json.read(r.body(), TaskServices.Triggered.class);
    }

    /** The model registry over the API, as held try {@code tryNumber} of {@code key} sees it (every call refused once it is not held). */
    public ModelRegistry models(TaskKey key, int tryNumber) {
        return new RemoteModelRegistry(this, key, tryNumber);
    }

    Optional<String> xcom(TaskKey key, String xcomKey) {
        return value(send("GET", "xcoms?dag_id=" + q(key.dagId()) + "&run_id=" + q(key.runId()) + "&task_id=" + q(key.taskId())
                + "&key=" + q(xcomKey), null));
    }

    Optional<String> variable(String key) {
        return value(send("GET", "variables/" + q(key), null));
    }

    Optional<Connection> connection(String connId) {
        HttpResponse<String> r = send("GET", "connections/" + q(connId), null);
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(Json.read(r.body(), Connection.class));
    }

    /**
     * A call for a held try: 2xx, 400, 404 and 422 answers are returned; 409 (the worker does not
     * hold the try) throws {@link TryNotHeldException}, 401 and anything else as {@link #send} does.
     */
    HttpResponse<String> fenced(String method, String path, String body) {
        HttpResponse<String> r = exchange(method, path, body);
        int status = r.statusCode();
        if (status == 409) {
            throw new TryNotHeldException(detail(r));
        }
        if (status / 100 != 2 && status != 400 && status != 404 && status != 422) {
            throw unexpected(method, path, r);
        }
        return r;
    }

    /** The query naming a held try, for GET and DELETE calls. */
    static String heldQuery(TaskKey key, int tryNumber) {
        return "dag_id=" + q(key.dagId()) + "&run_id=" + q(key.runId()) + "&task_id=" + q(key.taskId()) + "&try_number=" + tryNumber;
    }

    /** The one-line {@code detail} of an error answer, or its body. */
    static String detail(HttpResponse<String> r) {
        try {
            var node = Json.MAPPER.readTree(r.body());
            if (node != null && node.hasNonNull("detail")) {
                return node.get("detail").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body itself
        }
        return "the API answered " + r.statusCode() + ": " + io.gale.core.Text.abbreviate(r.body(), 200);
    }

    private static Optional<String> value(HttpResponse<String> r) {
        return r.statusCode() == 404 ? Optional.empty() : Optional.ofNullable(Json.read(r.body(), WorkerProtocol.Value.class).value());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends a call; returns 2xx, 404 and 409 answers, throws for 401 and anything else. */
    private HttpResponse<String> send(String method, String path, String body) {
        HttpResponse<String> r = exchange(method, path, body);
        int status = r.statusCode();
        if (status / 100 != 2 && status != 404 && status != 409) {
            throw unexpected(method, path, r);
        }
        return r;
    }

    /** Sends a call; returns any answer but 401, which throws {@link TokenRefusedException}. */
    private HttpResponse<String> exchange(String method, String path, String body) {
        return exchange(method, path, body, TIMEOUT);
    }

    private HttpResponse<String> exchange(String method, String path, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + WorkerProtocol.BASE + "/" + q(worker) + "/" + path))
                .timeout(timeout).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnreachableException("cannot reach the API at " + apiUrl + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while calling the API at " + apiUrl, e);
        }
        if (r.statusCode() == 401) {
            throw new TokenRefusedException(apiUrl);
        }
        return r;
    }

    private UnreachableException unexpected(String method, String path, HttpResponse<String> r) {
        return new UnreachableException("the API at " + apiUrl + " answered " + method + " " + path.replaceAll("\\?.*", "") + " with "
                + r.statusCode() + ": " + io.gale.core.Text.abbreviate(r.body(), 200), null);
    }
}
