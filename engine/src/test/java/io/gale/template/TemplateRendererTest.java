package io.gale.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.Json;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What templates can say, rendered through {@code TaskContext.render} in real tries. */
class TemplateRendererTest {

    @TempDir
    Path home;

    @Test
    void airflowsVariablesDatesXComsAndJinjaSyntax() throws Exception {
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("dates", "{{ logical_date }}|{{ ts_nodash_with_tz }}|{{ logical_date.strftime('%Y-%m-%d %H:%M:%S %j %b %%') }}"
                + "|{{ logical_date.in_timezone('Asia/Seoul') }}|{{ logical_date.year }}/{{ logical_date.month }}"
                + "|{{ logical_date | date('yyyyMMdd') }}|{{ logical_date.timestamp() }}|{{ data_interval_end.isoformat() }}");
        templates.put("xcoms", "{{ ti.xcom_pull('up').rows }}|{{ ti.xcom_pull(task_ids='up', key='extra') }}"
                + "|{{ ti.xcom_pull(task_ids=['up', 'none'], default='-') }}|{{ ti.xcom_pull('none') | default('nothing') }}");
        templates.put("syntax", "{% for c in params.cities %}{{ loop.index }}:{{ c | upper }} {% endfor %}"
                + "{# a comment #}{% if params.n > 2 %}big{% else %}small{% endif %} {{ params.nested.k }} {{ params.nested }}"
                + " {% verbatim %}${#a[@]} {{ raw }}{% endverbatim %} <&> {{ dag }}.{{ task.task_id }} {{ dag_run.conf.n }}");
        templates.put("vars", "{{ var.value.plain }} {{ var.json.cfg.limit }} {{ conn.db.host }}:{{ conn.db.port }}");
        var dag = Dag.builder("render").param("cities", List.of("oslo", "bergen")).param("n", 1)
                .param("nested", Map.of("k", "v"));
        var up = dag.task("up", ctx -> {
            ctx.xcomPush("extra", "more");
            return Map.of("rows", 42);
        });
        Map<String, String> rendered = new LinkedHashMap<>();
        var use = dag.task("use", ctx -> {
            templates.forEach((field, t) -> rendered.put(field, ctx.render(field, t)));
            return null;
        });
        up.then(use);
        try (Harness h = new Harness(home, dag.build())) {
            h.store.variables().set("plain", "hello");
            h.store.variables().set("cfg", "{\"limit\": 7}");
            h.store.connections().put(new io.gale.api.Connection("db", "postgres", "db.local", 5433, null, null, null, Map.of()));
            h.clock.set(Instant.parse("2026-06-01T22:30:05Z"));
            DagRun run = h.runToEnd(h.trigger("render", Map.of("n", 3)));
            assertThat(h.states(run)).as(h.client().log("render", run.runId(), "use", null)).containsEntry("use", "success");
            assertThat(rendered.get("dates")).isEqualTo("2026-06-01T22:30:05+00:00|20260601T223005+0000|2026-06-01 22:30:05 152 Jun %"
                    + "|2026-06-02T07:30:05+09:00|2026/6|20260601|1780353005|2026-06-01T22:30:05+00:00");
            assertThat(rendered.get("xcoms")).isEqualTo("42|more|[{\"rows\":42}, -]|nothing");
            assertThat(rendered.get("syntax")).as("Pebble counts loop.index from 0").isEqualTo("0:OSLO 1:BERGEN big v {\"k\":\"v\"} ${#a[@]} {{ raw }} <&> render.use 3");
            assertThat(rendered.get("vars")).isEqualTo("hello 7 db.local:5433");
            Map<String, Object> stored = Json.conf(h.client().xcoms("render", run.runId(), "use", "rendered_fields").get(0).json());
            assertThat(stored).containsOnlyKeys("dates", "xcoms", "syntax", "vars").containsEntry("vars", "hello 7 db.local:5433");
        }
    }

    @Test
    void errorsNameTheFieldAndWhatIsWrongInOneLine() throws Exception {
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("other_dag", "{{ ti.xcom_pull(task_ids='up', dag_id='other') }}");
        templates.put("no_argument", "{{ ti.xcom_pull(task=2) }}");
        templates.put("strftime", "{{ logical_date.strftime('%Q') }}");
        templates.put("variable", "{{ var.value.nope }}");
        templates.put("connection", "{{ conn.nope.host }}");
        templates.put("json", "{{ var.json.plain }}");
        templates.put("line", "echo a\necho {{ b }}");
        templates.put("nested", "{{ params.nested.x }}");
        var dag = Dag.builder("errors").param("nested", Map.of("k", "v"));
        for (String field : templates.keySet()) {
            dag.task(field, ctx -> ctx.render(field, templates.get(field)));
        }
        try (Harness h = new Harness(home, dag.build())) {
            h.store.variables().set("plain", "not json");
            DagRun run = h.runToEnd(h.trigger("errors", Map.of()));
            Map<String, String> errors = new LinkedHashMap<>();
            for (String field : templates.keySet()) {
                assertThat(h.states(run)).containsEntry(field, "failed");
                String log = h.client().log("errors", run.runId(), field, null);
                errors.put(field, log.lines().filter(l -> l.contains("failed:")).findFirst().orElseThrow()
                        .replaceFirst(".*failed: TemplateException: ", ""));
            }
            assertThat(errors).containsExactly(
                    Map.entry("other_dag", "template error in other_dag: xcom_pull can only pull from this DAG run, not from DAG 'other'"),
                    Map.entry("no_argument", "template error in no_argument: The following named argument does not exist: task"),
                    Map.entry("strftime", "template error in strftime: strftime directive %Q is not supported"),
                    Map.entry("variable", "template error in variable: 'var.value.nope' is undefined"),
                    Map.entry("connection", "template error in connection: 'conn.nope' is undefined"),
                    Map.entry("json", "template error in json: variable 'plain' is not JSON"),
                    Map.entry("line", "template error in line: 'b' is undefined (line 2)"),
                    Map.entry("nested", "template error in nested: 'params.nested.x' is undefined"));
        }
    }
}
