package io.gale.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gale.core.TaskKey;
import io.gale.executor.TaskServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a task's trigger on a remote worker behaves when the API is unreachable or refuses it, against
 * a stand-in API on a real socket that answers from a script: the same call is sent again while the
 * API answers 5xx (it is idempotent), at most three times; a refusal (409) is final.
 */
class RemoteTriggerRetryTest {

    private static final TaskKey KEY = new TaskKey("parent", "manual__1", "kick");

    private HttpServer api;
    /** The statuses the stand-in answers, in order (the last one for every further call). */
    private volatile List<Integer> script;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext(WorkerProtocol.BASE + "/w-1/dagRuns", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            int status = script.get(Math.min(calls.getAndIncrement(), script.size() - 1));
            byte[] body = (status == 201 ? "{\"runId\": \"triggered__parent__manual__1__kick__try1\", \"created\": true}"
                    : status == 409 ? "{\"detail\": \"worker 'w-1' does not hold try 1 of parent.kick (manual__1)\"}"
                    : "{\"detail\": \"The metadata database is unavailable: try again shortly\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop(0);
    }

    private TaskServices services() {
        return new RemoteTaskServices(new WorkerClient("http://127.0.0.1:" + api.getAddress().getPort(), "w-1", "gale_wt_test"));
    }

    @Test
    void aTriggerTheApiCouldNotCarryOutIsSentAgainUnchanged() {
        script = List.of(503, 201);

        TaskServices.Triggered t = services().triggerDagRun(KEY, 1, "child", null, Map.of("version", 3));

        assertThat(t).isEqualTo(new TaskServices.Triggered("triggered__parent__manual__1__kick__try1", true));
        assertThat(calls).hasValue(2);
        assertThat(bodies).hasSize(2).allSatisfy(b -> assertThat(b).isEqualTo(bodies.get(0)));
        assertThat(bodies.get(0)).contains("\"dagId\":\"child\"", "\"tryNumber\":1", "\"runId\":null", "\"version\":3");
    }

    @Test
    void aRefusalIsFinalAndAnApiThatStaysDownFailsTheCallAfterThreeAttempts() {
        script = List.of(409);
        assertThatThrownBy(() -> services().triggerDagRun(KEY, 1, "child", null, Map.of()))
                .isInstanceOf(WorkerClient.TryNotHeldException.class)
                .hasMessage("worker 'w-1' does not hold try 1 of parent.kick (manual__1)");
        assertThat(calls).hasValue(1);

        calls.set(0);
        script = List.of(503);
        assertThatThrownBy(() -> services().triggerDagRun(KEY, 1, "child", null, Map.of()))
                .isInstanceOf(WorkerClient.UnreachableException.class).hasMessageContaining("503");
        assertThat(calls).hasValue(3);
    }
}
