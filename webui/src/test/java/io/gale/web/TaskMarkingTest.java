package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.client.Operations;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.TaskInstance;
import io.gale.testing.Await;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Marking one task instance over real sockets, with a scheduler running: Airflow's
 * {@code PATCH .../taskInstances/{task_id}} and its {@code dry_run}, and the task page's buttons.
 */
class TaskMarkingTest {

    @RegisterExtension
    static final WebFixture web = WebFixture.withScheduler();

    private static final String DAG = "example_trigger_rules";
    private static final String TI = "/api/v2/dags/" + DAG + "/dagRuns/%s/taskInstances/%s";

    private static Map<String, String> states(String runId) {
        return web.server().engine.operations().taskStates(DAG, runId).stream()
                .collect(Collectors.toMap(TaskInstance::taskId, t -> t.state().id()));
    }

    private static DagRun finished(String runId, String what) {
        Operations ops = web.server().engine.operations();
        Await.until(Duration.ofSeconds(60), what + ": run " + runId + " to finish, states " + states(runId),
                () -> ops.run(DAG, runId).state().finished());
        return ops.run(DAG, runId);
    }

    private static DagRun runToEnd(String runId) {
        Operations ops = web.server().engine.operations();
        ops.setPaused(DAG, false);
        ops.trigger(DAG, Map.of(), runId, null);
        DagRun run = finished(runId, "first pass");
        assertThat(run.state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(states(runId)).containsEntry("branch_fail", "failed").containsEntry("join_all_success", "upstream_failed");
        return run;
    }

    @Test
    void aFailedTaskMarkedSuccessOverRestLetsItsDownstreamRunAgain() {
        TestServer s = web.server();
        String runId = "manual__rest_mark";
        runToEnd(runId);
        String op = s.token("op");
        String path = String.format(TI, runId, "branch_fail");

        HttpResponse<String> preview = s.send("PATCH", path + "/dry_run", op, "{\"new_state\": \"success\"}");
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        JsonNode tis = TestServer.json(preview);
        assertThat(tis.get("total_entries").asInt()).isEqualTo(1);
        assertThat(tis.get("task_instances").get(0).get("task_id").asText()).isEqualTo("branch_fail");
        assertThat(tis.get("task_instances").get(0).get("state").asText()).as("as it is now").isEqualTo("failed");
        assertThat(states(runId)).as("a dry run changes nothing").containsEntry("branch_fail", "failed");

        assertThat(s.send("PATCH", path, s.token("viewer"), "{\"new_state\": \"success\"}").statusCode()).isEqualTo(403);
        assertThat(s.send("PATCH", path, op, "{\"new_state\": \"running\"}").statusCode()).isEqualTo(422);
        assertThat(s.send("PATCH", path, op, "{}").statusCode()).isEqualTo(422);
        assertThat(s.send("PATCH", path, op, "[1]").statusCode()).isEqualTo(422);
        assertThat(s.send("PATCH", path, op, "{\"new_state\": \"success\", \"include_future\": true}").statusCode()).isEqualTo(400);
        assertThat(s.send("PATCH", path, op, "{\"new_state\": \"success\", \"note\": \"n\"}").statusCode()).isEqualTo(501);
        assertThat(s.send("PATCH", path + "?map_index=2", op, "{\"new_state\": \"success\"}").statusCode()).isEqualTo(404);
        assertThat(s.send("PATCH", String.format(TI, runId, "no_such_task"), op, "{\"new_state\": \"success\"}").statusCode()).isEqualTo(404);
        assertThat(s.send("PATCH", String.format(TI, "no_such_run", "branch_fail"), op, "{\"new_state\": \"success\"}").statusCode()).isEqualTo(404);
        assertThat(states(runId)).containsEntry("branch_fail", "failed");

        HttpResponse<String> marked = s.send("PATCH", path, op, "{\"new_state\": \"success\"}");
        assertThat(marked.statusCode()).as(marked.body()).isEqualTo(200);
        assertThat(TestServer.json(marked).get("task_instances").get(0).get("state").asText()).isEqualTo("success");
        // the scheduler takes the run back up: the all_success join runs now that both branches succeeded
        Await.until(Duration.ofSeconds(60), "join_all_success to run after the mark, states " + states(runId),
                () -> "success".equals(states(runId).get("join_all_success")));
        DagRun after = finished(runId, "after the mark");
        assertThat(after.state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(states(runId)).containsEntry("branch_fail", "success").containsEntry("join_none_failed", "success");
    }

    @Test
    void theTaskPageMarksATaskFailedForOpsOnlyWithTheCsrfToken() throws Exception {
        String runId = "manual__ui_mark";
        runToEnd(runId);
        String page = "/dags/" + DAG + "/runs/" + runId + "/tasks/cleanup";

        HttpClient viewer = web.signedIn("viewer");
        assertThat(web.get(viewer, page).body()).doesNotContain("id=\"mark-failed\"");
        assertThat(web.post(viewer, page + "/state", "state=failed").statusCode()).isEqualTo(403);

        HttpClient op = web.signedIn("op");
        String html = web.get(op, page).body();
        assertThat(html).contains("id=\"mark-success\"").contains("id=\"mark-failed\"");
        assertThat(web.post(op, page + "/state", "state=failed").statusCode()).as("without the CSRF token").isEqualTo(403);
        assertThat(web.post(op, page + "/state", "_csrf=" + WebFixture.csrf(html) + "&state=running").statusCode()).isEqualTo(400);
        assertThat(states(runId)).containsEntry("cleanup", "success");

        HttpResponse<String> mark = web.post(op, page + "/state", "_csrf=" + WebFixture.csrf(html) + "&state=failed");
        assertThat(mark.statusCode()).isEqualTo(303);
        assertThat(mark.headers().firstValue("Location")).hasValue(page);
        assertThat(states(runId)).containsEntry("cleanup", "failed");
        // the only leaf failed: the scheduler decides the run failed
        Await.until(Duration.ofSeconds(60), "the run to fail after its leaf was marked failed",
                () -> web.server().engine.operations().run(DAG, runId).state() == DagRunState.FAILED);
        assertThat(web.get(op, page).body()).contains("<span id=\"state\">failed</span>");
    }
}
