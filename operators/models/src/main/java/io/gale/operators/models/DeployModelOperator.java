package io.gale.operators.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.api.Connection;
import io.gale.api.FailTask;
import io.gale.api.ModelVersion;
import io.gale.api.Operator;
import io.gale.api.SkipTask;
import io.gale.api.TaskContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Tells model servers that a version became production: POSTs {@link ModelDeployment} JSON to
 * {@code <server>/models/reload} of each connection in param {@code model_server_conn_ids} (default
 * {@code ["model_server_default"]}: host and port of the server, the webhook secret as password,
 * scheme from the connection type when it is {@code https}), signed with Standard-Webhooks headers.
 * Connection errors and 5xx answers are retried with doubling backoff under one {@code webhook-id}
 * (derived from the run and the version, so a task retry sends the same id and the receiver stays
 * idempotent); a 4xx answer fails the task at once. The answers are pushed as XCom {@code responses}
 * and returned.
 *
 * <p>Which version: with a register task, its XComs {@code version} and {@code promoted} (the task is
 * skipped with the register task's reason when the version did not become production); without one,
 * params {@code model_name} and {@code model_version} (e.g. from the conf of a triggered run). A
 * version that is not production in the registry (any more) is skipped, as is a run with none of the
 * connections configured.
 */
public final class DeployModelOperator implements Operator<Map<String, Object>> {
    /** The default connection id of a model server. */
    public static final String DEFAULT_CONN = "model_server_default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registerTask;
    private int attempts = 5;
    private Duration backoff = Duration.ofSeconds(1);
    private Duration timeout = Duration.ofSeconds(30);

    /** @param registerTask the task that registered the version, or null to take it from params */
    public DeployModelOperator(String registerTask) {
        this.registerTask = registerTask;
    }

    /** How many times one server is tried (default 5). */
    public DeployModelOperator attempts(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + n);
        }
        this.attempts = n;
        return this;
    }

    /** The first wait between tries, doubled after each (default 1 s). */
    public DeployModelOperator backoff(Duration d) {
        this.backoff = d;
        return this;
    }

    /** The time limit of one request (default 30 s). */
    public DeployModelOperator timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> execute(TaskContext ctx) throws Exception {
        String model;
        int version;
        if (registerTask != null) {
            Map<String, Object> reg = ctx.xcomPull(registerTask, Map.class);
            Boolean promoted = ctx.xcomPull(registerTask, "promoted", Boolean.class);
            if (reg == null || promoted == null) {
                throw new IllegalArgumentException("task '" + ctx.taskId() + "': no registration from task '" + registerTask + "'");
            }
            model = (String) reg.get("name");
            version = ((Number) reg.get("version")).intValue();
            if (!promoted) {
                throw new SkipTask(model + " version " + version + " did not become production: "
                        + ctx.xcomPull(registerTask, "reason", String.class));
            }
        } else {
            model = ctx.param("model_name", String.class);
            Integer v = ctx.param("model_version", Integer.class);
            if (model == null || v == null) {
                throw new FailTask("task '" + ctx.taskId() + "': params model_name and model_version are required without a register task");
            }
            version = v;
        }
        ModelVersion v = ctx.models().version(model, version).orElseThrow(() -> new FailTask(
                "model '" + model + "' has no version " + version + " in the registry"));
        if (!v.current()) {
            throw new SkipTask(model + " version " + version + " is not production (stage " + v.stage().id() + ")");
        }
        List<String> connIds = connIds(ctx);
        Map<String, Connection> servers = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : connIds) {
            ctx.connection(id).ifPresentOrElse(c -> servers.put(id, c), () -> missing.add(id));
        }
        if (servers.isEmpty()) {
            throw new SkipTask("no model server configured: connection" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " not found (a connection per server: host, port, the webhook secret as password)");
        }
        missing.forEach(id -> ctx.log().warn("connection {} not found: that server is not notified", id));
        byte[] body = JSON.writeValueAsBytes(ModelDeployment.of(v));
        String webhookId = webhookId(ctx, v);
        Map<String, Object> responses = new LinkedHashMap<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        for (Map.Entry<String, Connection> e : servers.entrySet()) {
            responses.put(e.getKey(), notify(ctx, http, e.getKey(), e.getValue(), webhookId, body));
        }
        ctx.xcomPush("responses", responses);
        return responses;
    }

    private static List<String> connIds(TaskContext ctx) {
        Object p = ctx.params().get("model_server_conn_ids");
        if (p == null) {
            return List.of(DEFAULT_CONN);
        }
        if (p instanceof String s) {
            return List.of(s);
        }
        if (p instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        throw new FailTask("param model_server_conn_ids must be a list of connection ids, got " + p);
    }

    /** The same id for every try of every attempt of one run's deployment of one version. */
    static String webhookId(TaskContext ctx, ModelVersion v) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((ctx.dagId() + "\n" + ctx.runId() + "\n"
                    + v.name() + "\n" + v.version()).getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The counter of webhooks sent, by connection and outcome (delivered, refused with a 4xx, failed after every attempt). */
    static final String DELIVERIES = "gale.webhook.deliveries";

    private Map<String, Object> notify(TaskContext ctx, HttpClient http, String connId, Connection c, String webhookId,
                                       byte[] body) throws InterruptedException {
        if (c.host() == null || c.host().isBlank()) {
            throw new FailTask("connection " + connId + " has no host: set the model server's host and port");
        }
        if (c.password() == null || c.password().isEmpty()) {
            throw new FailTask("connection " + connId + " has no password: it is the webhook secret the server verifies");
        }
        WebhookSignature signer = WebhookSignature.of(c.password());
        String scheme = "https".equalsIgnoreCase(c.type()) ? "https" : "http";
        URI url = URI.create(scheme + "://" + c.host() + ":" + (c.port() == null ? 8000 : c.port()) + "/models/reload");
        Duration wait = backoff;
        String last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (ctx.cancelled()) {
                throw new CancellationException("task '" + ctx.taskId() + "' was asked to stop");
            }
            long ts = java.time.Instant.now().getEpochSecond();
            HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("content-type", "application/json")
                    .header(WebhookSignature.ID, webhookId)
                    .header(WebhookSignature.TIMESTAMP, Long.toString(ts))
                    .header(WebhookSignature.SIGNATURE, signer.sign(webhookId, ts, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    ctx.log().info("{} ({}) answered {}: {}", connId, url, r.statusCode(), r.body());
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("status", r.statusCode());
                    out.put("body", parse(r.body()));
                    out.put("attempts", attempt);
                    ctx.increment(DELIVERIES, Map.of("conn_id", connId, "outcome", "delivered"));
                    return out;
                }
                if (r.statusCode() / 100 == 4) {
                    ctx.increment(DELIVERIES, Map.of("conn_id", connId, "outcome", "refused"));
                    throw new FailTask(connId + " (" + url + ") refused the deployment with " + r.statusCode() + ": " + cut(r.body()));
                }
                last = "answered " + r.statusCode() + ": " + cut(r.body());
            } catch (IOException e) {
                last = "connection failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
            }
            if (attempt < attempts) {
                ctx.log().warn("{} ({}) {}; retrying in {} ms ({} of {})", connId, url, last, wait.toMillis(), attempt, attempts);
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2);
            }
        }
        ctx.increment(DELIVERIES, Map.of("conn_id", connId, "outcome", "failed"));
        throw new IllegalStateException(connId + " (" + url + ") " + last + " after " + attempts + " attempts");
    }

    private static Object parse(String body) {
        try {
            return JSON.readValue(body, Object.class);
        } catch (IOException e) {
            return body;
        }
    }

    private static String cut(String s) {
        String one = s == null ? "" : s.strip().replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
