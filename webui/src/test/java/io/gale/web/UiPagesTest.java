package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The web UI's pages over real sockets, without a browser: sign-in, escaping, filters, errors. */
class UiPagesTest {

    @RegisterExtension
    static final WebFixture web = new WebFixture();

    @Test
    void anonymousReadersAreSentToTheLoginFormAndComeBackAfterwards() throws Exception {
        HttpClient anonymous = HttpClient.newBuilder().build();
        HttpResponse<String> r = web.get(anonymous, "/dags/web_test?x=1");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/login?next=" + URLEncoder.encode("/dags/web_test?x=1", StandardCharsets.UTF_8));
        HttpResponse<String> login = web.get(anonymous, "/login?next=%22%3E%3Cscript%3E");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("<label for=\"password\">").doesNotContain("\"><script>").contains("&quot;&gt;&lt;script&gt;");
        HttpResponse<String> wrong = anonymous.send(web.form("/auth/login", "username=op&password=nope&next=/dags"), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.headers().firstValue("Location").orElseThrow()).startsWith("/login?error=1");
        assertThat(web.get(anonymous, wrong.headers().firstValue("Location").orElseThrow()).body()).contains("Invalid username or password");
        assertThat(web.get(anonymous, "/").headers().firstValue("Location")).hasValue("/dags");
    }

    @Test
    void theDagListEscapesDocsFiltersAndShowsImportErrors() throws Exception {
        web.server().engine.operations().store().serializedDags().syncBundle("broken-bundle", List.of(),
                Map.of("/dags/broken.jar", "<b>ClassNotFoundException</b>: io.example.Missing"), true, Instant.now());
        HttpClient c = web.signedIn("viewer");
        String all = web.get(c, "/dags").body();
        assertThat(all).contains("&lt;b&gt;bold&lt;/b&gt; docs").doesNotContain("<b>bold</b>");
        assertThat(all).contains("1 import error(s)").contains("/dags/broken.jar").contains("&lt;b&gt;ClassNotFoundException&lt;/b&gt;");
        assertThat(all).contains("every day at 00:00").contains("@daily").contains(" UTC").contains("Europe/London");
        assertThat(all).contains("id=\"dag-example_pipeline\"").contains("id=\"dag-web_test\"");
        assertThat(all).doesNotContain("class=\"toggle").as("a viewer sees no toggle");

        String tagged = web.get(c, "/dags?tags=example").body();
        assertThat(tagged).contains("id=\"dag-example_pipeline\"").contains("id=\"dag-example_trigger_rules\"").doesNotContain("id=\"dag-web_test\"");
        String searched = web.get(c, "/dags?search=TRIGGER").body();
        assertThat(searched).contains("id=\"dag-example_trigger_rules\"").doesNotContain("id=\"dag-example_pipeline\"");
        web.server().engine.operations().store().serializedDags().syncBundle("broken-bundle", List.of(), Map.of(), true, Instant.now());
        assertThat(web.get(c, "/dags").body()).doesNotContain("import error(s)");
    }

    @Test
    void theTriggerFormIsMadeFromTheParamsAndRefusesAWrongType() throws Exception {
        HttpClient c = web.signedIn("op");
        String page = web.get(c, "/dags/web_test").body();
        assertThat(page).contains("name=\"param.min_stars\"").contains("type=\"number\"").contains("step=\"1\"").contains("value=\"5\"")
                .contains("name=\"param.city\"").contains("value=\"Paris\"");
        HttpResponse<String> bad = c.send(web.form("/dags/web_test/trigger", "_csrf=" + WebFixture.csrf(page) + "&param.min_stars=many&param.city=Rome"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(303);
        String back = web.get(c, bad.headers().firstValue("Location").orElseThrow()).body();
        assertThat(back).contains("param &#39;min_stars&#39; must be an integer");
        assertThat(web.server().engine.operations().runs("web_test")).isEmpty();

        HttpResponse<String> notObject = c.send(web.form("/dags/web_test/trigger", "_csrf=" + WebFixture.csrf(page) + "&param.min_stars=9&conf_json=%5B1%5D"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(web.get(c, notObject.headers().firstValue("Location").orElseThrow()).body()).contains("must be a JSON object");
        HttpResponse<String> wrongType = c.send(web.form("/dags/web_test/trigger", "_csrf=" + WebFixture.csrf(page) + "&conf_json="
                + URLEncoder.encode("{\"min_stars\": \"ten\"}", StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
        assertThat(web.get(c, wrongType.headers().firstValue("Location").orElseThrow()).body()).contains("param &#39;min_stars&#39; of DAG &#39;web_test&#39; is integer");
        assertThat(web.server().engine.operations().runs("web_test")).isEmpty();

        HttpResponse<String> ok = c.send(web.form("/dags/web_test/trigger", "_csrf=" + WebFixture.csrf(page) + "&param.min_stars=9&param.city=Rome&conf_json="
                + URLEncoder.encode("{\"note\": \"<i>hi</i>\"}", StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(303);
        var runs = web.server().engine.operations().runs("web_test");
        assertThat(runs).hasSize(1);
        assertThat(((Number) runs.get(0).conf().get("min_stars")).longValue()).as("an integer from the number field").isEqualTo(9L);
        assertThat(runs.get(0).conf().get("min_stars")).isInstanceOf(Integer.class);
        assertThat(runs.get(0).conf()).containsEntry("city", "Rome").containsEntry("note", "<i>hi</i>");
        String grid = web.get(c, "/dags/web_test/grid").body();
        assertThat(grid).contains("data-state=\"queued\"").contains("hx-trigger=\"every 2s\"");

        HttpClient viewer = web.signedIn("viewer");
        String viewerPage = web.get(viewer, "/dags/web_test").body();
        assertThat(viewerPage).doesNotContain("id=\"trigger\"");
        HttpResponse<String> forced = viewer.send(web.form("/dags/web_test/trigger", "_csrf=" + WebFixture.csrf(viewerPage) + "&param.min_stars=1"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forced.statusCode()).isEqualTo(403);
        assertThat(web.server().engine.operations().runs("web_test")).hasSize(1);
    }

    @Test
    void aRunIsMarkedFromTheRunsTableAndTheGraphDrawsTheEdges() throws Exception {
        var run = web.server().engine.operations().trigger("example_trigger_rules", Map.of(), "manual__mark_me", null);
        HttpClient c = web.signedIn("op");
        String page = web.get(c, "/dags/example_trigger_rules").body();
        assertThat(page).contains("<svg class=\"graph\"");
        var dag = web.server().engine.operations().dag("example_trigger_rules");
        int edges = dag.tasks().stream().mapToInt(t -> t.upstreamIds().size()).sum();
        assertThat(edges).isPositive();
        assertThat(Pattern.compile("<line [^>]*class=\"edge\"").matcher(page).results().count()).isEqualTo(edges);
        var first = dag.tasks().get(dag.tasks().size() - 1);
        assertThat(page).contains("data-from=\"" + first.upstreamIds().get(0) + "\" data-to=\"" + first.id() + "\"");

        HttpResponse<String> mark = c.send(web.form("/dags/example_trigger_rules/runs/" + run.runId() + "/state", "_csrf=" + WebFixture.csrf(page) + "&state=failed"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(mark.statusCode()).isEqualTo(303);
        assertThat(web.server().engine.operations().run("example_trigger_rules", run.runId()).state()).isEqualTo(io.gale.core.DagRunState.FAILED);
        HttpResponse<String> bad = c.send(web.form("/dags/example_trigger_rules/runs/" + run.runId() + "/state", "_csrf=" + WebFixture.csrf(page) + "&state=running"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> viewer = web.signedIn("viewer").send(web.form("/dags/example_trigger_rules/runs/" + run.runId() + "/state", "state=success"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(web.server().engine.operations().run("example_trigger_rules", run.runId()).state()).isEqualTo(io.gale.core.DagRunState.FAILED);
    }

    @Test
    void aBackfillIsPreviewedCreatedPausedAndCancelled() throws Exception {
        HttpClient c = web.signedIn("op");
        String base = "/dags/example_pipeline/backfills";
        String preview = web.get(c, base + "?from=2026-11-01T00:00&to=2026-11-03T00:00&reprocess=none&max_active_runs=2").body();
        assertThat(preview).contains("3 run(s) would be made").contains("id=\"create-backfill\"");
        assertThat(web.server().engine.operations().backfillList("example_pipeline")).as("a preview records nothing").isEmpty();
        assertThat(web.get(c, base + "?from=yesterday&to=2026-11-03").body()).contains("&#39;from&#39; must be a date like 2026-11-01");

        HttpResponse<String> create = c.send(web.form(base, "_csrf=" + WebFixture.csrf(preview) + "&from=2026-11-01T00:00&to=2026-11-03T00:00&reprocess=none&max_active_runs=2"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(create.statusCode()).isEqualTo(303);
        var backfills = web.server().engine.operations().backfillList("example_pipeline");
        assertThat(backfills).hasSize(1);
        long id = backfills.get(0).id();
        assertThat(backfills.get(0).totalRuns()).isEqualTo(3);
        String list = web.get(c, base).body();
        assertThat(list).contains("id=\"backfill-" + id + "\"").contains("0 of 3").contains("Pause backfill " + id);

        HttpResponse<String> viewer = web.signedIn("viewer").send(web.form(base + "/" + id + "/cancel", "x=1"), HttpResponse.BodyHandlers.ofString());
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(c.send(web.form(base + "/" + id + "/pause", "_csrf=" + WebFixture.csrf(list)), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(303);
        assertThat(web.server().engine.operations().backfillPaused(id)).isTrue();
        assertThat(web.get(c, base).body()).contains("running (paused)").contains("Unpause backfill " + id);
        assertThat(c.send(web.form(base + "/" + id + "/cancel", "_csrf=" + WebFixture.csrf(list)), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(303);
        assertThat(web.server().engine.operations().backfill(id).state()).isEqualTo(io.gale.core.BackfillState.CANCELLED);
        assertThat(web.get(c, base).body()).doesNotContain("Pause backfill " + id);
        assertThat(c.send(web.form("/dags/web_test/backfills/" + id + "/cancel", "_csrf=" + WebFixture.csrf(list)), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("a backfill of another DAG").isEqualTo(404);
    }

    @Test
    void aModelsVersionsAreListedAndPromotedAndRolledBack() throws Exception {
        var models = web.server().engine.operations().models();
        Instant day = Instant.parse("2026-11-01T00:00:00Z");
        models.register(new io.gale.api.NewModelVersion("recvae<x>", 0.40, Map.of("ndcg100", 0.40), URI.create("file:///m/v1"), day, day.plusSeconds(86400)));
        models.register(new io.gale.api.NewModelVersion("recvae<x>", 0.43, Map.of("ndcg100", 0.43, "recall50", 0.51), URI.create("file:///m/v2"),
                day.plusSeconds(86400), day.plusSeconds(2 * 86400)));
        HttpClient viewer = web.signedIn("viewer");
        String index = web.get(viewer, "/models").body();
        assertThat(index).contains("href=\"/models/recvae%3Cx%3E\"").contains(">recvae&lt;x&gt;</a>");
        String page = web.get(viewer, "/models/recvae%3Cx%3E").body();
        assertThat(page).contains("Model recvae&lt;x&gt;").doesNotContain("recvae<x>").doesNotContain("id=\"rollback\"");
        assertThat(page.indexOf("id=\"version-2\"")).as("newest first").isPositive().isLessThan(page.indexOf("id=\"version-1\""));
        assertThat(page).contains("ndcg100 0.4300, recall50 0.5100").contains("2026-11-02 00:00:00 UTC to 2026-11-03 00:00:00 UTC")
                .contains("file:///m/v1");
        assertThat(viewer.send(web.form("/models/recvae%3Cx%3E/promote", "_csrf=" + WebFixture.csrf(index) + "&version=1"), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(403);
        assertThat(models.production("recvae<x>").orElseThrow().version()).isEqualTo(2);

        HttpClient op = web.signedIn("op");
        String opPage = web.get(op, "/models/recvae%3Cx%3E").body();
        assertThat(opPage).contains("Promote version 1").doesNotContain("Promote version 2");
        assertThat(op.send(web.form("/models/recvae%3Cx%3E/promote", "_csrf=" + WebFixture.csrf(opPage) + "&version=1"), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(303);
        assertThat(models.production("recvae<x>").orElseThrow().version()).isEqualTo(1);
        assertThat(op.send(web.form("/models/recvae%3Cx%3E/rollback", "_csrf=" + WebFixture.csrf(opPage)), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(303);
        assertThat(models.production("recvae<x>").orElseThrow().version()).isEqualTo(2);
        assertThat(op.send(web.form("/models/recvae%3Cx%3E/promote", "_csrf=" + WebFixture.csrf(opPage) + "&version=9"), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(web.get(viewer, "/models/nothing_here").statusCode()).isEqualTo(404);
    }

    private static io.gale.api.Dag codeDag(String id) {
        var b = io.gale.api.Dag.builder(id);
        b.task("t", ctx -> 1);
        return b.build();
    }

    @Test
    void theCodeViewShowsAJavaFileFromTheDagsFolderOnly() throws Exception {
        var ops = web.server().engine.operations();
        java.nio.file.Path folder = java.nio.file.Files.createDirectories(ops.config().dagsFolder());
        java.nio.file.Path file = folder.resolve("code_dag.java");
        java.nio.file.Files.writeString(file, "// <script>alert(1)</script>\nclass CodeDag {}\n");
        java.nio.file.Path outside = java.nio.file.Files.writeString(web.home().resolve("outside.java"), "secret outside source");
        ops.store().serializedDags().syncBundle("code-bundle", List.of(
                io.gale.core.SerializedDag.of(codeDag("code_dag"), file.toString(), "code-bundle"),
                io.gale.core.SerializedDag.of(codeDag("escaped_dag"),
                        folder.resolve("../outside.java").toString(), "code-bundle")), Map.of(), true, Instant.now());
        HttpClient c = web.signedIn("viewer");
        String code = web.get(c, "/dags/code_dag/code").body();
        assertThat(code).contains("// &lt;script&gt;alert(1)&lt;/script&gt;").contains("class CodeDag {}");
        String escaped = web.get(c, "/dags/escaped_dag/code").body();
        assertThat(escaped).contains("is not inside the dags folder").doesNotContain("secret outside source");
        assertThat(web.get(c, "/dags/web_test/code").body()).contains("there is no DAG file to show");
        assertThat(outside).exists();
    }

    @Test
    void unknownDagsRunsAndTasksAnswerAnHtmlNotFound() throws Exception {
        HttpClient c = web.signedIn("viewer");
        HttpResponse<String> dag = web.get(c, "/dags/no_such_dag");
        assertThat(dag.statusCode()).isEqualTo(404);
        assertThat(dag.body()).contains("<h1>Not found</h1>").contains("no_such_dag");
        HttpResponse<String> traversal = web.get(c, "/dags/%2e%2e%2f%2e%2e%2fetc");
        assertThat(traversal.statusCode()).as("refused by Jetty (ambiguous path) or not found").isIn(400, 404);
        assertThat(traversal.body()).doesNotContain("Exception").doesNotContain("root:");
        assertThat(web.get(c, "/dags/web_test/runs/nope/tasks/say").statusCode()).isEqualTo(404);
    }

    @Test
    void signingOutNeedsTheTokenAndEndsTheSession() throws Exception {
        HttpClient c = web.signedIn("op");
        String page = web.get(c, "/dags").body();
        assertThat(c.send(web.form("/auth/logout", ""), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(web.get(c, "/dags").statusCode()).isEqualTo(200);
        assertThat(c.send(web.form("/auth/logout", "_csrf=" + WebFixture.csrf(page)), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(303);
        assertThat(web.get(c, "/dags").statusCode()).isEqualTo(303);
    }
}
