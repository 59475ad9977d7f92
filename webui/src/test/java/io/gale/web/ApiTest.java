package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API over a real socket: shapes, filters and the state changes it makes. */
class ApiTest {

    @TempDir
    static Path home;
    static TestServer s;
    static String admin;

    @BeforeAll
    static void start() {
        s = new TestServer(home);
        admin = s.token("admin");
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void listsDagsWithFiltersAndPages() {
        JsonNode all = TestServer.json(s.get("/api/v2/dags", admin));
        assertThat(all.get("total_entries").asInt()).isEqualTo(3);
        assertThat(all.get("dags").get(0).get("dag_id").asText()).isEqualTo("example_pipeline");
        assertThat(all.get("dags").get(0).get("is_paused").asBoolean()).isTrue();
        JsonNode page = TestServer.json(s.get("/api/v2/dags?limit=1&offset=1&order_by=-dag_id", admin));
        assertThat(page.get("total_entries").asInt()).isEqualTo(3);
        assertThat(page.get("dags")).hasSize(1);
        assertThat(page.get("dags").get(0).get("dag_id").asText()).isEqualTo("example_trigger_rules");
        JsonNode tagged = TestServer.json(s.get("/api/v2/dags?tags=example", admin));
        assertThat(tagged.get("total_entries").asInt()).isEqualTo(2);
        JsonNode pipeline = TestServer.json(s.get("/api/v2/dags/example_pipeline", admin));
        assertThat(pipeline.get("timetable_summary").asText()).isEqualTo("@daily");
        assertThat(pipeline.get("next_dagrun_logical_date").asText()).endsWith("Z");
        assertThat(TestServer.json(s.get("/api/v2/dags/web_test", admin)).get("next_dagrun_logical_date").isNull()).isTrue();
        JsonNode pattern = TestServer.json(s.get("/api/v2/dags?dag_id_pattern=TRIGGER", admin));
        assertThat(pattern.get("dags").get(0).get("dag_id").asText()).isEqualTo("example_trigger_rules");
        assertThat(pattern.get("total_entries").asInt()).isEqualTo(1);
    }

    @Test
    void servesItsOpenApiDocumentAndAPageWithoutOutsideScripts() {
        HttpResponse<String> doc = s.get("/openapi.json", null);
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(doc).get("paths").has("/api/v2/dags")).isTrue();
        HttpResponse<String> page = s.get("/docs", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<code>/api/v2/dags/{dag_id}/dagRuns</code>").doesNotContain("<script", "https://");
    }

    @Test
    void pausesAndTriggersAndReadsTheRun() {
        HttpResponse<String> patch = s.send("PATCH", "/api/v2/dags/example_trigger_rules", admin, "{\"is_paused\": false}");
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        assertThat(TestServer.json(patch).get("is_paused").asBoolean()).isFalse();
        assertThat(TestServer.json(s.get("/api/v2/dags?paused=false", admin)).get("dags").get(0).get("dag_id").asText())
                .isEqualTo("example_trigger_rules");
        HttpResponse<String> run = s.send("POST", "/api/v2/dags/example_trigger_rules/dagRuns", admin,
                "{\"dag_run_id\": \"api_run_1\", \"conf\": {\"k\": 1}}");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(TestServer.json(run).get("state").asText()).isEqualTo("queued");
        JsonNode got = TestServer.json(s.get("/api/v2/dags/example_trigger_rules/dagRuns/api_run_1", admin));
        assertThat(got.get("conf").get("k").asInt()).isEqualTo(1);
        assertThat(got.get("run_type").asText()).isEqualTo("manual");
    }

    @Test
    void variablesAndConnectionsNeverShowSecrets() {
        HttpResponse<String> created = s.send("POST", "/api/v2/variables", admin, "{\"key\": \"city\", \"value\": \"Oslo\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(s.send("POST", "/api/v2/variables", admin, "{\"key\": \"city\", \"value\": \"x\"}").statusCode()).isEqualTo(409);
        assertThat(s.send("PATCH", "/api/v2/variables/city", admin, "{\"key\": \"city\", \"value\": {\"n\": 1}}").statusCode()).isEqualTo(200);
        assertThat(TestServer.json(s.get("/api/v2/variables/city", admin)).get("value").asText()).isEqualTo("{\"n\":1}");
        assertThat(s.send("DELETE", "/api/v2/variables/city", admin, null).statusCode()).isEqualTo(204);
        assertThat(s.get("/api/v2/variables/city", admin).statusCode()).isEqualTo(404);

        HttpResponse<String> conn = s.send("POST", "/api/v2/connections", admin, "{\"connection_id\": \"warehouse\", \"conn_type\": \"postgres\","
                + " \"host\": \"db\", \"login\": \"etl\", \"password\": \"pa55word-xyz\", \"extra\": \"{\\\"api_key\\\": \\\"k-123456\\\", \\\"region\\\": \\\"eu\\\"}\"}");
        assertThat(conn.statusCode()).as(conn.body()).isEqualTo(201);
        String listed = s.get("/api/v2/connections", admin).body() + s.get("/api/v2/connections/warehouse", admin).body() + conn.body();
        assertThat(listed).contains("warehouse", "\"region\\\":\\\"eu").doesNotContain("pa55word-xyz", "k-123456");
        assertThat(TestServer.json(s.get("/api/v2/connections/warehouse", admin)).get("password").isNull()).isTrue();
        assertThat(s.engine.operations().connection("warehouse").password()).isEqualTo("pa55word-xyz");
        assertThat(s.send("PATCH", "/api/v2/connections/warehouse", admin, "{\"connection_id\": \"warehouse\", \"conn_type\": \"postgres\", \"host\": \"db2\"}")
                .statusCode()).isEqualTo(200);
        assertThat(s.engine.operations().connection("warehouse").password()).as("a PATCH without password keeps it").isEqualTo("pa55word-xyz");
        assertThat(s.send("DELETE", "/api/v2/connections/warehouse", admin, null).statusCode()).isEqualTo(204);
    }

    @Test
    void marksRunsAndListsThemInABatch() {
        HttpResponse<String> run = s.send("POST", "/api/v2/dags/web_test/dagRuns", admin, "{\"dag_run_id\": \"to_mark\"}");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        HttpResponse<String> marked = s.send("PATCH", "/api/v2/dags/web_test/dagRuns/to_mark", admin, "{\"state\": \"failed\"}");
        assertThat(marked.statusCode()).as(marked.body()).isEqualTo(200);
        assertThat(TestServer.json(marked).get("state").asText()).isEqualTo("failed");
        assertThat(s.send("PATCH", "/api/v2/dags/web_test/dagRuns/to_mark", admin, "{\"state\": \"running\"}").statusCode()).isEqualTo(422);
        JsonNode batch = TestServer.json(s.send("POST", "/api/v2/dags/~/dagRuns/list", admin, "{\"states\": [\"failed\"], \"dag_ids\": [\"web_test\"]}"));
        assertThat(batch.get("total_entries").asInt()).isEqualTo(1);
        assertThat(batch.get("dag_runs").get(0).get("dag_run_id").asText()).isEqualTo("to_mark");
        JsonNode filtered = TestServer.json(s.get("/api/v2/dags/~/dagRuns?state=failed&run_id_pattern=to_%25", admin));
        assertThat(filtered.get("total_entries").asInt()).isEqualTo(1);
    }

    @Test
    void backfillsAreRecordedPausedUnpausedAndCancelled() throws Exception {
        String body = "{\"dag_id\": \"example_pipeline\", \"from_date\": \"2026-01-01T00:00:00Z\", \"to_date\": \"2026-01-02T00:00:00Z\"}";
        JsonNode dry = TestServer.json(s.send("POST", "/api/v2/backfills/dry_run", admin, body));
        assertThat(dry.get("total_entries").asInt()).isEqualTo(2);
        assertThat(s.engine.operations().backfillList("example_pipeline")).isEmpty();
        HttpResponse<String> created = s.send("POST", "/api/v2/backfills", admin, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        long id = TestServer.json(created).get("id").asLong();
        assertThat(s.engine.operations().runs("example_pipeline")).hasSize(2);
        HttpResponse<String> paused = s.send("PUT", "/api/v2/backfills/" + id + "/pause", admin, null);
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(TestServer.json(paused).get("is_paused").asBoolean()).isTrue();
        try (var executor = s.engine.newExecutor();
             var scheduler = s.engine.newScheduler(executor, io.gale.scheduler.Scheduler.Settings.defaults().withCreateRuns(false))) {
            scheduler.runOnce(io.gale.store.DagRunRepository.Scope.backfill(id), Duration.ofMillis(50));
            assertThat(s.engine.operations().runs("example_pipeline")).as("a paused backfill starts nothing")
                    .allMatch(r -> r.state() == io.gale.core.DagRunState.QUEUED);
            HttpResponse<String> unpaused = s.send("PUT", "/api/v2/backfills/" + id + "/unpause", admin, null);
            assertThat(TestServer.json(unpaused).get("is_paused").asBoolean()).isFalse();
            scheduler.wakeUp(); // what a scheduler's change listener does on the API's notification
            scheduler.runOnce(io.gale.store.DagRunRepository.Scope.backfill(id), Duration.ofMillis(50));
            assertThat(s.engine.operations().runs("example_pipeline")).as("unpaused, it starts its runs")
                    .anyMatch(r -> r.state() != io.gale.core.DagRunState.QUEUED);
            scheduler.shutdown(Duration.ofSeconds(30));
        }
        JsonNode cancelled = TestServer.json(s.send("PUT", "/api/v2/backfills/" + id + "/cancel", admin, null));
        assertThat(cancelled.get("completed_at").isNull()).isFalse();
        assertThat(s.engine.operations().runs("example_pipeline")).allMatch(r -> r.state() != io.gale.core.DagRunState.QUEUED);
        assertThat(s.send("PUT", "/api/v2/backfills/" + id + "/pause", admin, null).statusCode()).as("finished").isEqualTo(409);
        assertThat(TestServer.json(s.get("/api/v2/backfills?dag_id=example_pipeline", admin)).get("total_entries").asInt()).isEqualTo(1);
        assertThat(s.send("POST", "/api/v2/backfills", admin, body).statusCode()).as("every run exists").isEqualTo(409);
    }

    @Test
    void listsAModelsVersionsNewestFirst() {
        var models = s.engine.store().models();
        models.register(new io.gale.api.NewModelVersion("recvae", 0.41, java.util.Map.of("ndcg@100", 0.41), java.net.URI.create("file:///m/1"), null, null));
        models.register(new io.gale.api.NewModelVersion("recvae", 0.43, java.util.Map.of("ndcg@100", 0.43), java.net.URI.create("file:///m/2"), null, null));
        JsonNode versions = TestServer.json(s.get("/api/v2/gale/models/recvae/versions", s.token("viewer")));
        assertThat(versions.get("total_entries").asInt()).isEqualTo(2);
        assertThat(versions.get("versions").get(0).get("version").asInt()).isEqualTo(2);
        assertThat(versions.get("versions").get(0).get("is_current").asBoolean()).isTrue();
        assertThat(versions.get("versions").get(1).get("metrics").get("ndcg@100").asDouble()).isEqualTo(0.41);
        assertThat(s.get("/api/v2/gale/models/nope/versions", admin).statusCode()).isEqualTo(404);
    }
}
