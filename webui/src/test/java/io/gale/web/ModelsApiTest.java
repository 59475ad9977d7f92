package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.api.ModelRegistry;
import io.gale.api.NewModelVersion;
import io.gale.core.TaskKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gale's model additions over real sockets: training curves as JSON and as a chart on the version's
 * page, and promote, rollback and delete with roles and bad input.
 */
class ModelsApiTest {

    @RegisterExtension
    static final WebFixture web = new WebFixture();

    private static final Instant DAY = Instant.parse("2026-11-01T00:00:00Z");

    @BeforeAll
    static void models() {
        ModelRegistry models = web.server().engine.operations().models();
        models.register(new NewModelVersion("ml", 0.30, Map.of("ndcg100", 0.30), Map.of(), URI.create("file:///m/1"), null,
                DAY, DAY.plusSeconds(86400), "trainer_dag", "run<1>"));
        models.register(new NewModelVersion("ml", 0.40, Map.of("ndcg100", 0.40), Map.of(), URI.create("file:///m/2"), null,
                DAY, DAY.plusSeconds(86400), null, null));
        models.register(new NewModelVersion("ml", 0.20, Map.of(), Map.of(), URI.create("file:///m/3"), null,
                DAY, DAY.plusSeconds(86400), null, null));
        models.register(new NewModelVersion("solo", 0.50, Map.of(), Map.of(), URI.create("file:///s/1"), null,
                DAY, DAY.plusSeconds(86400), null, null));
        var curves = web.server().engine.operations().store().trainingMetrics();
        TaskKey train = new TaskKey("trainer_dag", "run<1>", "train");
        double[] loss = {310.5, 250.25, 231.0};
        double[] ndcg = {0.21, 0.33, 0.35};
        for (int e = 1; e <= 3; e++) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", loss[e - 1]);
            m.put("validation_ndcg100", ndcg[e - 1]);
            m.put("<b>odd</b>", (double) e);
            curves.record(train, 1, e, m, 1.5 * e);
        }
    }

    private static void assertDetail(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(TestServer.json(r).has("detail")).as(r.body()).isTrue();
    }

    @Test
    void theCurveOfAVersionIsServedAsJsonFromTheRunThatRegisteredIt() {
        TestServer s = web.server();
        String viewer = s.token("viewer");
        HttpResponse<String> r = s.get("/api/v2/gale/models/ml/versions/1/metrics", viewer);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestServer.json(r);
        assertThat(body.get("dag_id").asText()).isEqualTo("trainer_dag");
        assertThat(body.get("run_id").asText()).isEqualTo("run<1>");
        JsonNode curve = body.get("curves").get(0);
        assertThat(curve.get("task_id").asText()).isEqualTo("train");
        assertThat(curve.get("try_number").asInt()).isEqualTo(1);
        assertThat(curve.get("epochs")).hasSize(3);
        JsonNode second = curve.get("epochs").get(1);
        assertThat(second.get("epoch").asInt()).isEqualTo(2);
        assertThat(second.get("metrics").get("loss").asDouble()).isEqualTo(250.25);
        assertThat(second.get("metrics").get("validation_ndcg100").asDouble()).isEqualTo(0.33);
        assertThat(second.get("seconds").asDouble()).isEqualTo(3.0);

        assertThat(TestServer.json(s.get("/api/v2/gale/models/ml/versions/2/metrics", viewer)).get("curves")).isEmpty();
        assertDetail(s.get("/api/v2/gale/models/ml/versions/9/metrics", viewer), 404);
        assertDetail(s.get("/api/v2/gale/models/nothing/versions/1/metrics", viewer), 404);
        assertThat(s.get("/api/v2/gale/models/ml/versions/one/metrics", viewer).statusCode()).isEqualTo(422);
        assertDetail(s.get("/api/v2/gale/models/ml/versions/1/metrics", null), 401);
        assertThat(s.get("/openapi.json", null).body()).contains("/api/v2/gale/models/{model_name}/versions/{version}/metrics");
    }

    @Test
    void theVersionPageDrawsLossAndValidationNdcgAndEscapesMetricNames() throws Exception {
        HttpClient viewer = web.signedIn("viewer");
        String list = web.get(viewer, "/models/ml").body();
        assertThat(list).contains("href=\"/models/ml/versions/1\"");
        HttpResponse<String> r = web.get(viewer, "/models/ml/versions/1");
        assertThat(r.statusCode()).isEqualTo(200);
        String page = r.body();
        assertThat(page).contains("Model ml version 1").contains("trainer_dag / run&lt;1&gt;");
        assertThat(page).contains("aria-label=\"Training loss over 3 epochs: from 310.5 at epoch 1 to 231.0 at epoch 3")
                .contains("aria-label=\"Validation NDCG@100 over 3 epochs: from 0.2100 at epoch 1 to 0.3500 at epoch 3");
        var polylines = Pattern.compile("<polyline [^>]*points=\"([^\"]+)\"").matcher(page).results().map(m -> m.group(1)).toList();
        assertThat(polylines).hasSize(2);
        // three points each; loss falls, so its line goes down the chart (SVG y grows downwards)
        String[] lossPoints = polylines.get(0).split(" ");
        assertThat(lossPoints).hasSize(3);
        assertThat(Double.parseDouble(lossPoints[0].split(",")[1])).isLessThan(Double.parseDouble(lossPoints[2].split(",")[1]));
        String[] ndcgPoints = polylines.get(1).split(" ");
        assertThat(Double.parseDouble(ndcgPoints[0].split(",")[1])).isGreaterThan(Double.parseDouble(ndcgPoints[2].split(",")[1]));
        assertThat(page).contains("<title>epoch 2: 250.3</title>");
        assertThat(page).contains("&lt;b&gt;odd&lt;/b&gt;").doesNotContain("<b>odd</b>");
        assertThat(page).contains("<td>4.50</td>");

        assertThat(web.get(viewer, "/models/ml/versions/2").body()).contains("recorded no metrics per epoch").doesNotContain("<polyline");
        assertThat(web.get(viewer, "/models/ml/versions/9").statusCode()).isEqualTo(404);
        assertThat(web.get(viewer, "/models/ml/versions/x").statusCode()).isEqualTo(404);
    }

    @Test
    void promoteRollbackAndDeleteNeedTheOpRoleAndRefuseWhatTheRegistryRefuses() {
        TestServer s = web.server();
        ModelRegistry models = s.engine.operations().models();
        String viewer = s.token("viewer");
        String op = s.token("op");
        assertThat(models.production("ml").orElseThrow().version()).isEqualTo(2);

        assertDetail(s.send("POST", "/api/v2/gale/models/ml/versions/1/promote", viewer, null), 403);
        assertDetail(s.send("POST", "/api/v2/gale/models/ml/rollback", viewer, null), 403);
        assertDetail(s.send("DELETE", "/api/v2/gale/models/ml/versions/3", viewer, null), 403);
        assertThat(models.production("ml").orElseThrow().version()).isEqualTo(2);
        assertThat(models.version("ml", 3)).isPresent();

        HttpResponse<String> promoted = s.send("POST", "/api/v2/gale/models/ml/versions/1/promote", op, null);
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        assertThat(TestServer.json(promoted).get("stage").asText()).isEqualTo("production");
        assertThat(TestServer.json(promoted).get("is_current").asBoolean()).isTrue();
        assertThat(models.production("ml").orElseThrow().version()).isEqualTo(1);
        assertThat(TestServer.json(s.get("/api/v2/gale/models/ml/versions/2", viewer)).get("stage").asText()).isEqualTo("archived");

        HttpResponse<String> rolledBack = s.send("POST", "/api/v2/gale/models/ml/rollback", op, null);
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(TestServer.json(rolledBack).get("version").asInt()).isEqualTo(2);
        assertThat(models.production("ml").orElseThrow().version()).isEqualTo(2);

        assertDetail(s.send("POST", "/api/v2/gale/models/ml/versions/9/promote", op, null), 404);
        assertDetail(s.send("POST", "/api/v2/gale/models/nothing/versions/1/promote", op, null), 404);
        assertThat(s.send("POST", "/api/v2/gale/models/ml/versions/two/promote", op, null).statusCode()).isEqualTo(422);
        assertDetail(s.send("POST", "/api/v2/gale/models/nothing/rollback", op, null), 404);
        HttpResponse<String> nothingBefore = s.send("POST", "/api/v2/gale/models/solo/rollback", op, null);
        assertDetail(nothingBefore, 409);

        HttpResponse<String> production = s.send("DELETE", "/api/v2/gale/models/solo/versions/1", op, null);
        assertDetail(production, 409);
        assertThat(TestServer.json(production).get("detail").asText()).contains("in production");
        assertThat(models.version("solo", 1)).isPresent();
        assertThat(s.send("DELETE", "/api/v2/gale/models/ml/versions/3", op, null).statusCode()).isEqualTo(204);
        assertThat(models.version("ml", 3)).isEmpty();
        assertDetail(s.send("DELETE", "/api/v2/gale/models/ml/versions/3", op, null), 404);
    }
}
