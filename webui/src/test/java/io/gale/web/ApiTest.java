package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
}
