package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v2/pools} in Airflow's shapes, over a real socket. */
class PoolsApiTest {

    @TempDir
    static Path home;
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(home);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void poolsAreListedCreatedChangedAndDeleted() {
        String op = s.token("op");
        String viewer = s.token("viewer");
        JsonNode list = TestServer.json(s.get("/api/v2/pools", viewer));
        assertThat(list.get("total_entries").asInt()).isEqualTo(1);
        JsonNode dflt = list.get("pools").get(0);
        assertThat(dflt.get("name").asText()).isEqualTo("default_pool");
        assertThat(dflt.get("slots").asInt()).isEqualTo(128);
        assertThat(dflt.get("open_slots").asInt()).isEqualTo(128);
        assertThat(dflt.has("occupied_slots") && dflt.has("running_slots") && dflt.has("queued_slots")).isTrue();

        assertThat(s.send("POST", "/api/v2/pools", viewer, "{\"name\": \"github\", \"slots\": 4}").statusCode()).isEqualTo(403);
        HttpResponse<String> created = s.send("POST", "/api/v2/pools", op, "{\"name\": \"github\", \"slots\": 4, \"description\": \"crawler credentials\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(TestServer.json(created).get("description").asText()).isEqualTo("crawler credentials");
        assertThat(s.send("POST", "/api/v2/pools", op, "{\"name\": \"github\", \"slots\": 2}").statusCode()).isEqualTo(409);
        assertThat(s.send("POST", "/api/v2/pools", op, "{\"name\": \"neg\", \"slots\": -3}").statusCode()).isEqualTo(400);

        HttpResponse<String> patched = s.send("PATCH", "/api/v2/pools/github", op, "{\"slots\": 6}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(patched).get("slots").asInt()).isEqualTo(6);
        assertThat(TestServer.json(patched).get("description").asText()).as("kept").isEqualTo("crawler credentials");
        assertThat(TestServer.json(s.get("/api/v2/pools/github", viewer)).get("open_slots").asInt()).isEqualTo(6);

        assertThat(s.send("DELETE", "/api/v2/pools/default_pool", op, null).statusCode()).isEqualTo(400);
        assertThat(s.send("DELETE", "/api/v2/pools/github", op, null).statusCode()).isEqualTo(204);
        assertThat(s.get("/api/v2/pools/github", viewer).statusCode()).isEqualTo(404);
        assertThat(s.send("DELETE", "/api/v2/pools/github", op, null).statusCode()).isEqualTo(404);
    }
}
