package io.gale.operators;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gale.api.Connection;
import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.Json;
import io.gale.testing.Harness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jinja templates of operator fields, the context as environment variables, rendered values per try. */
class TemplatingTest {

    @TempDir
    Path home;

    @Test
    void contextVariablesInABashCommandItsEnvAndItsEnvironment() throws Exception {
        var dag = Dag.builder("tpl").param("city", "Oslo")
                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("Asia/Seoul")));
        var up = dag.task("up", CallableOperator.of(() -> Map.of("path", "/data/x")));
        var bash = dag.task("bash", new BashOperator("echo ds={{ ds }} nodash={{ ds_nodash }} ts={{ ts }}"
                + " ld={{ logical_date.strftime('%Y/%m/%d %H:%M') }} city={{ params.city }} up={{ ti.xcom_pull('up').path }}"
                + " try={{ ti.try_number }} dag={{ dag }} task={{ task }}{% if params.city == 'Paris' %} capital{% endif %}"
                + " upper={{ params.city | upper }}"
                + " env=$GALE_DS/$GALE_TS/$GALE_DAG_ID/$GALE_TASK_ID/$GALE_TRY_NUMBER/$GALE_RUN_ID"
                + " airflow=$AIRFLOW_CTX_DAG_ID/$AIRFLOW_CTX_TASK_ID/$AIRFLOW_CTX_LOGICAL_DATE/$AIRFLOW_CTX_TRY_NUMBER/$AIRFLOW_CTX_RUN_ID"
                + " old=$GALE_CTX_TASK_ID greeting=$GREETING")
                .env("GREETING", "hello-{{ params.city }}"));
        up.then(bash);
        try (Harness h = new Harness(home, dag.build())) {
            // 22:30 UTC is already the next day in Seoul: ds is the UTC date, as in Airflow
            h.clock.set(Instant.parse("2026-06-01T22:30:00Z"));
            DagRun paris = h.runToEnd(h.trigger("tpl", Map.of("city", "Paris")));
            assertThat(h.states(paris)).containsEntry("bash", "success");
            String expected = "ds=2026-06-01 nodash=20260601 ts=2026-06-01T22:30:00+00:00 ld=2026/06/01 22:30 city=Paris"
                    + " up=/data/x try=1 dag=tpl task=bash capital upper=PARIS"
                    + " env=2026-06-01/2026-06-01T22:30:00+00:00/tpl/bash/1/" + paris.runId()
                    + " airflow=tpl/bash/2026-06-01T22:30:00+00:00/1/" + paris.runId()
                    + " old=bash greeting=hello-Paris";
            assertThat(returnValue(h, paris, "bash")).isEqualTo(expected);

            String log = h.client().log("tpl", paris.runId(), "bash", null);
            assertThat(log).contains("Rendered bash_command: echo ds=2026-06-01 nodash=20260601", "Rendered env.GREETING: hello-Paris");
            Map<String, Object> rendered = Json.conf(h.client().xcoms("tpl", paris.runId(), "bash", "rendered_fields").get(0).json());
            assertThat(rendered.keySet()).containsExactly("bash_command", "env.GREETING");
            assertThat((String) rendered.get("bash_command")).contains("city=Paris", "$GALE_DS");
            assertThat(rendered.get("env.GREETING")).isEqualTo("hello-Paris");

            h.clock.set(Instant.parse("2026-06-02T08:00:00Z"));
            DagRun defaults = h.runToEnd(h.trigger("tpl", Map.of()));
            assertThat(returnValue(h, defaults, "bash")).contains("ds=2026-06-02 ", "city=Oslo up=", "upper=OSLO", "greeting=hello-Oslo")
                    .doesNotContain("capital");
        }
    }

    @Test
    void anUndefinedNameOrAMalformedTemplateFailsTheTryWithOneLineBeforeAnythingRuns() throws Exception {
        Path marker = home.resolve("ran");
        var dag = Dag.builder("bad").param("city", "Oslo");
        dag.task("typo", new BashOperator("touch " + marker + "; echo {{ params.cty }}"));
        dag.task("root", new BashOperator("touch " + marker + "; echo {{ dss }}"));
        dag.task("env", new BashOperator("touch " + marker).env("DAY", "{{ ds }}{{ conf.day }}"));
        dag.task("malformed", new BashOperator("touch " + marker + "; {% if params.city %}echo yes"));
        dag.task("fallback", new BashOperator("echo {{ params.cty | default('none') }} {{ var.value.missing | default('-') }}"));
        try (Harness h = new Harness(home, dag.build())) {
            DagRun run = h.runToEnd(h.trigger("bad", Map.of()));
            assertThat(h.states(run)).containsEntry("typo", "failed").containsEntry("root", "failed")
                    .containsEntry("env", "failed").containsEntry("malformed", "failed").containsEntry("fallback", "success");
            assertThat(Files.exists(marker)).as("no command ran").isFalse();
            assertThat(errorLine(h, run, "typo")).endsWith("template error in bash_command: 'params.cty' is undefined");
            assertThat(errorLine(h, run, "root")).endsWith("template error in bash_command: 'dss' is undefined");
            assertThat(errorLine(h, run, "env")).endsWith("template error in env.DAY: 'conf.day' is undefined");
            assertThat(errorLine(h, run, "malformed")).contains("template error in bash_command: ").contains("endif");
            assertThat(returnValue(h, run, "fallback")).isEqualTo("none -");
        }
    }

    @Test
    void secretsAreMaskedInTheRenderedValuesButNotInWhatTheCommandGets() throws Exception {
        Path out = home.resolve("out");
        var dag = Dag.builder("secrets");
        dag.task("use", new BashOperator("echo '{{ var.value.db_password }} {{ conn.warehouse.password }} {{ var.value.region }}' > " + out
                + "; echo 'postgresql://{{ conn.warehouse.login }}:{{ conn.warehouse.password }}@{{ conn.warehouse.host }}/dw' > /dev/null")
                .env("API_TOKEN", "{{ var.value.region }}"));
        try (Harness h = new Harness(home, dag.build())) {
            h.store.variables().set("db_password", "hunter2");
            h.store.variables().set("region", "eu-north");
            h.store.connections().put(new Connection("warehouse", "postgres", "db.example", 5432, "dw", "alice", "pw-123", Map.of()));
            DagRun run = h.runToEnd(h.trigger("secrets", Map.of()));
            assertThat(h.states(run)).containsEntry("use", "success");
            assertThat(Files.readString(out).strip()).isEqualTo("hunter2 pw-123 eu-north");
            String log = h.client().log("secrets", run.runId(), "use", null);
            assertThat(log).contains("Rendered bash_command: echo '*** *** eu-north' > ", "postgresql://alice:***@db.example/dw",
                    "Rendered env.API_TOKEN: ***").doesNotContain("hunter2").doesNotContain("pw-123");
            String xcom = h.client().xcoms("secrets", run.runId(), "use", "rendered_fields").get(0).json();
            assertThat(xcom).contains("*** *** eu-north").doesNotContain("hunter2").doesNotContain("pw-123");
        }
    }

    @Test
    void httpEndpointBodyAndHeadersAreRenderedOverARealSocket() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/report", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("X-Day")
                    + " " + ex.getRequestHeaders().getFirst("X-Token") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        var dag = Dag.builder("http_tpl").param("city", "Oslo");
        dag.task("post", HttpOperator.post(base + "/report?day={{ ds_nodash }}&city={{ params.city | lower }}",
                        "{\"city\": \"{{ params.city }}\", \"run\": \"{{ run_id }}\"}")
                .header("X-Day", "{{ ds }}").header("X-Token", "{{ var.value.api_token }}"));
        try (Harness h = new Harness(home, dag.build())) {
            h.store.variables().set("api_token", "s3cr3t-value");
            h.clock.set(Instant.parse("2026-03-04T05:06:07Z"));
            DagRun run = h.runToEnd(h.trigger("http_tpl", Map.of("city", "Bergen")));
            assertThat(h.states(run)).containsEntry("post", "success");
            assertThat(seen).containsExactly("POST /report?day=20260304&city=bergen 2026-03-04 s3cr3t-value {\"city\": \"Bergen\", \"run\": \""
                    + run.runId() + "\"}");
            String log = h.client().log("http_tpl", run.runId(), "post", null);
            assertThat(log).contains("Rendered endpoint: " + base + "/report?day=20260304&city=bergen",
                    "Rendered data: {\"city\": \"Bergen\"", "Rendered headers.X-Day: 2026-03-04", "Rendered headers.X-Token: ***")
                    .doesNotContain("s3cr3t-value");
        } finally {
            server.stop(0);
        }
    }

    private static String returnValue(Harness h, DagRun run, String taskId) {
        return Json.read(h.client().xcoms(run.dagId(), run.runId(), taskId, "return_value").get(0).json(), String.class);
    }

    /** The log line that reports the failed try (one line, no stack trace in it). */
    private static String errorLine(Harness h, DagRun run, String taskId) {
        String log = h.client().log(run.dagId(), run.runId(), taskId, null);
        assertThat(log).as("no stack trace for a template error").doesNotContain("\tat ");
        return log.lines().filter(l -> l.contains("failed:")).findFirst().orElseThrow(() -> new AssertionError(log));
    }
}
