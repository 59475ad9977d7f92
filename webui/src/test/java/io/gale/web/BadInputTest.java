package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bad inputs, over a real socket: each gets Airflow's error shape and changes nothing. */
class BadInputTest {

    @TempDir
    static Path home;
    static TestServer s;
    static String op;
    static String runId;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(home);
        op = s.token("op");
        s.engine.operations().setVariable("api_token", "s3cr3t-value-123");
        DagRun run = s.engine.test("web_test", null, Map.of(), Duration.ofSeconds(30), false);
        assertThat(run.state()).isEqualTo(DagRunState.SUCCESS);
        runId = run.runId();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static void assertDetail(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = TestServer.json(r);
        assertThat(body.has("detail")).as(r.body()).isTrue();
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void unknownIdsAre404() {
        assertDetail(s.get("/api/v2/dags/no_such_dag", op), 404);
        assertDetail(s.get("/api/v2/dags/no_such_dag/dagRuns", op), 404);
        assertDetail(s.get("/api/v2/dags/web_test/dagRuns/no_such_run", op), 404);
        assertDetail(s.get("/api/v2/dags/web_test/dagRuns/" + runId + "/taskInstances/no_such_task", op), 404);
        assertDetail(s.get("/api/v2/dags/web_test/dagRuns/" + runId + "/taskInstances/say/logs/7", op), 404);
        assertDetail(s.get("/api/v2/dags/web_test/dagRuns/" + runId + "/taskInstances/say/xcomEntries/nope", op), 404);
        assertDetail(s.get("/api/v2/dags/web_test/tasks/nope", op), 404);
        assertDetail(s.get("/api/v2/backfills/999", op), 404);
        assertDetail(s.send("PATCH", "/api/v2/dags/no_such_dag", op, "{\"is_paused\": false}"), 404);
        assertDetail(s.send("POST", "/api/v2/dags/no_such_dag/dagRuns", op, "{}"), 404);
        assertDetail(s.get("/api/v2/no/such/endpoint", op), 404);
    }

    @Test
    void unsupportedAirflowFeaturesAre501() {
        assertDetail(s.get("/api/v2/plugins", op), 501);
        assertDetail(s.get("/api/v2/assets/1", op), 501);
    }

    @Test
    void malformedJsonAndWrongTypesAre422() {
        HttpResponse<String> malformed = s.send("PATCH", "/api/v2/dags/web_test", op, "{\"is_paused\": ");
        assertDetail(malformed, 422);
        assertThat(TestServer.json(malformed).get("detail").get(0).get("type").asText()).isEqualTo("json_invalid");
        HttpResponse<String> wrongType = s.send("PATCH", "/api/v2/dags/web_test", op, "{\"is_paused\": \"yes\"}");
        assertDetail(wrongType, 422);
        JsonNode item = TestServer.json(wrongType).get("detail").get(0);
        assertThat(item.get("loc").toString()).isEqualTo("[\"body\",\"is_paused\"]");
        assertDetail(s.send("PATCH", "/api/v2/dags/web_test", op, "[true]"), 422);
        assertDetail(s.send("PATCH", "/api/v2/dags/web_test", op, "{}"), 422);
        assertDetail(s.send("POST", "/api/v2/dags/web_test/dagRuns", op, "{\"conf\": [1, 2]}"), 422);
        assertDetail(s.send("POST", "/api/v2/dags/web_test/dagRuns", op, "{\"logical_date\": \"yesterday\"}"), 422);
        assertDetail(s.send("POST", "/api/v2/backfills", op, "{\"dag_id\": \"web_test\"}"), 422);
        assertThat(TestServer.json(s.get("/api/v2/dags/web_test", op)).get("is_paused").asBoolean()).isTrue();
    }

    @Test
    void confThatDoesNotMatchTheParamTypesIsRefused() {
        HttpResponse<String> r = s.send("POST", "/api/v2/dags/web_test/dagRuns", op, "{\"conf\": {\"min_stars\": \"many\"}}");
        assertDetail(r, 400);
        assertThat(TestServer.json(r).get("detail").asText()).contains("min_stars", "integer", "string");
        assertThat(s.engine.operations().runs("web_test")).hasSize(1);
        HttpResponse<String> fine = s.send("POST", "/api/v2/dags/web_test/dagRuns", op,
                "{\"dag_run_id\": \"typed\", \"conf\": {\"min_stars\": 7, \"city\": \"Oslo\", \"extra\": [1]}}");
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
    }

    @Test
    void limitsAreCheckedAndCapped() {
        assertDetail(s.get("/api/v2/dags?limit=-1", op), 422);
        assertDetail(s.get("/api/v2/dags?offset=-5", op), 422);
        assertDetail(s.get("/api/v2/dags?limit=ten", op), 422);
        HttpResponse<String> huge = s.get("/api/v2/dags?limit=99999999999", op);
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(200);
        assertThat(TestServer.json(huge).get("dags")).hasSize(3);
        assertDetail(s.get("/api/v2/dags?order_by=no_such_field", op), 400);
    }

    @Test
    void pathTraversalNeverReachesTheFilesystem() {
        for (String id : new String[] {"..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..", "%2e%2e"}) {
            HttpResponse<String> r = s.get("/api/v2/dags/" + id, op);
            assertThat(r.statusCode()).as(id + ": " + r.body()).isIn(400, 404);
            assertThat(r.body()).doesNotContain("root:");
            assertThat(TestServer.json(r).has("detail")).as(id + ": " + r.body()).isTrue();
            HttpResponse<String> log = s.get("/api/v2/dags/web_test/dagRuns/" + runId + "/taskInstances/" + id + "/logs/1", op);
            assertThat(log.statusCode()).as(id + ": " + log.body()).isIn(400, 404);
            assertThat(log.body()).doesNotContain("root:");
            assertThat(TestServer.json(log).has("detail")).as(id + ": " + log.body()).isTrue();
        }
    }

    @Test
    void secretsAreMaskedAndHtmlIsDataNotMarkup() {
        HttpResponse<String> log = s.get("/api/v2/dags/web_test/dagRuns/" + runId + "/taskInstances/say/logs/1", op);
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(log.body()).doesNotContain("s3cr3t-value-123").contains("token is ***");
        java.util.List<String> events = new java.util.ArrayList<>();
        TestServer.json(log).get("content").forEach(m -> events.add(m.get("event").asText()));
        assertThat(events).contains("<script>alert('log')</script>");
        HttpResponse<String> secret = s.get("/api/v2/dags/web_test/dagRuns/" + runId + "/taskInstances/say/xcomEntries/secret", op);
        assertThat(TestServer.json(secret).get("value").get("password").asText()).isEqualTo("***");
        assertThat(TestServer.json(secret).get("value").get("user").asText()).isEqualTo("u");
        assertThat(TestServer.json(s.get("/api/v2/variables/api_token", op)).get("value").asText()).isEqualTo("***");
        assertThat(s.get("/api/v2/variables", op).body()).doesNotContain("s3cr3t-value-123");
    }
}
