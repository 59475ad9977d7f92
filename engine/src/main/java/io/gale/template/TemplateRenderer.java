package io.gale.template;

import io.gale.api.Connection;
import io.gale.api.TaskContext;
import io.gale.core.Json;
import io.gale.core.Secrets;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.attributes.AttributeResolver;
import io.pebbletemplates.pebble.error.AttributeNotFoundException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders one try's templated operator fields with Jinja syntax (Pebble): Airflow's context
 * variables, undefined names and malformed templates as a one-line {@link TemplateException}
 * naming the field, no HTML escaping. It remembers the secrets a template read (connection
 * passwords, variables whose key looks secret) so that {@link #shown} can mask them.
 *
 * <p>Variables: {@code ds}, {@code ds_nodash}, {@code ts}, {@code ts_nodash},
 * {@code ts_nodash_with_tz}, {@code logical_date}, {@code data_interval_start},
 * {@code data_interval_end} (UTC, as Airflow), {@code dag} and {@code task} (print their ids;
 * {@code dag.dag_id}, {@code task.task_id}), {@code run_id}, {@code dag_run}, {@code ti} /
 * {@code task_instance}, {@code params} (the DAG's params overridden by the run's conf),
 * {@code conf} (the run's conf), {@code var.value.KEY}, {@code var.json.KEY} and
 * {@code conn.ID.host} etc.
 */
public final class TemplateRenderer {

    /** Sensitive names, as Airflow's secrets masker has them (matched as parts of a lower-case name). */
    private static final List<String> SENSITIVE = List.of("password", "passwd", "passphrase", "secret", "token", "key",
            "authorization", "cookie", "credential", "private");

    private static final int MAX_RENDERED_CHARS = 10 * 1024 * 1024;

    private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
            .autoEscaping(false)
            .strictVariables(true)
            .newLineTrimming(false)
            .cacheActive(false)
            .maxRenderedSize(MAX_RENDERED_CHARS)
            .extension(new AbstractExtension() {
                @Override
                public List<AttributeResolver> getAttributeResolver() {
                    return List.of(new GaleAttributes());
                }

                @Override
                public Map<String, Function> getFunctions() {
                    return Map.of(XCOM_PULL, new XComPull());
                }
            })
            .build();

    /** The tags of a template: {@code {{ ... }}} and {@code {% ... %}}. */
    private static final Pattern TAG = Pattern.compile("\\{\\{.*?}}|\\{%.*?%}", Pattern.DOTALL);
    /** {@code ti.xcom_pull(}: Pebble refuses named arguments to a method, so it becomes a function call. */
    private static final Pattern TI_XCOM_PULL = Pattern.compile("\\b(?:ti|task_instance)\\s*\\.\\s*xcom_pull\\s*\\(");
    private static final String XCOM_PULL = "xcom_pull";

    private final TaskContext ctx;
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private Map<String, Object> variables;

    public TemplateRenderer(TaskContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The template rendered with this try's variables.
     *
     * @param field the operator field it comes from ({@code bash_command}, {@code env.NAME}), for errors
     * @throws TemplateException when the template is malformed or names something undefined
     */
    public String render(String field, String template) {
        if (template == null) {
            return null;
        }
        try {
            StringWriter out = new StringWriter();
            ENGINE.getLiteralTemplate(withXComPullFunction(template)).evaluate(out, variables());
            return out.toString();
        } catch (Undefined e) {
            throw new TemplateException(field, "'" + e.path() + "' is undefined" + where(template, e));
        } catch (AttributeNotFoundException e) {
            throw new TemplateException(field, "'" + e.getAttributeName() + "' is undefined" + where(template, e));
        } catch (PebbleException e) {
            throw new TemplateException(field, oneLine(e.getPebbleMessage()) + where(template, e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new TemplateException(field, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
        }
    }

    /**
     * A rendered value as it may be shown (log, XCom, UI): {@value Secrets#MASK} as a whole when
     * the field's name is sensitive ({@code headers.Authorization}, {@code env.API_TOKEN}),
     * otherwise with the secrets the templates read and passwords in URLs masked.
     */
    public String shown(String field, String value) {
        if (value == null) {
            return null;
        }
        String name = field.substring(field.lastIndexOf('.') + 1);
        return sensitive(name) ? Secrets.MASK : Secrets.mask(value, secrets.toArray(String[]::new));
    }

    /** Whether a name (a variable key, a header, an environment variable) is one Airflow masks by name. */
    public static boolean sensitive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SENSITIVE.stream().anyMatch(lower::contains);
    }

    /**
     * {@code ti.xcom_pull(task_ids='up', key='k')} inside tags as {@code xcom_pull(...)}, a function,
     * which may take Airflow's named arguments (a Pebble method call may not).
     */
    static String withXComPullFunction(String template) {
        if (!template.contains(XCOM_PULL)) {
            return template;
        }
        return TAG.matcher(template).replaceAll(tag -> Matcher.quoteReplacement(
                TI_XCOM_PULL.matcher(tag.group()).replaceAll(XCOM_PULL + "(")));
    }

    /** Airflow's {@code xcom_pull(task_ids, dag_id, key, default)} of the {@code ti} being rendered for. */
    private static final class XComPull implements Function {
        @Override
        public List<String> getArgumentNames() {
            return List.of("task_ids", "dag_id", "key", "default");
        }

        @Override
        public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
            try {
                return ((TaskInstanceView) context.getVariable("ti")).xcomPull(List.of(), args);
            } catch (IllegalArgumentException e) {
                throw new PebbleException(e, e.getMessage(), lineNumber, self.getName());
            }
        }
    }

    private synchronized Map<String, Object> variables() {
        if (variables == null) {
            variables = build();
        }
        return variables;
    }

    private Map<String, Object> build() {
        TemplateDate logical = TemplateDate.utc(ctx.logicalDate());
        TemplateDate start = TemplateDate.utc(ctx.dataIntervalStart());
        TemplateDate end = TemplateDate.utc(ctx.dataIntervalEnd());
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ds", DateTimeFormatter.ISO_LOCAL_DATE.format(logical.value()));
        v.put("ds_nodash", DateTimeFormatter.BASIC_ISO_DATE.format(logical.value()).substring(0, 8));
        v.put("ts", logical.isoformat());
        v.put("ts_nodash", logical.strftime("%Y%m%dT%H%M%S"));
        v.put("ts_nodash_with_tz", logical.strftime("%Y%m%dT%H%M%S%z"));
        v.put("logical_date", logical);
        v.put("data_interval_start", start);
        v.put("data_interval_end", end);
        v.put("run_id", ctx.runId());
        v.put("dag", new Namespace("dag", Map.of("dag_id", ctx.dagId(), "timezone", ctx.timezone().getId()), null, ctx.dagId()));
        v.put("task", new Namespace("task", Map.of("task_id", ctx.taskId()), null, ctx.taskId()));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("dag_id", ctx.dagId());
        run.put("run_id", ctx.runId());
        run.put("logical_date", logical);
        run.put("data_interval_start", start);
        run.put("data_interval_end", end);
        run.put("conf", ctx.conf());
        v.put("dag_run", new Namespace("dag_run", run, null, ctx.runId()));
        TaskInstanceView ti = new TaskInstanceView(ctx);
        v.put("ti", ti);
        v.put("task_instance", ti);
        v.put("params", new Namespace("params", ctx.params()));
        v.put("conf", new Namespace("conf", ctx.conf()));
        v.put("var", new Namespace("var", Map.of(
                "value", new Namespace("var.value", Map.of(), key -> variable(key, false), "var.value"),
                "json", new Namespace("var.json", Map.of(), key -> variable(key, true), "var.json")), null, "var"));
        v.put("conn", new Namespace("conn", Map.of(), this::connection, "conn"));
        return v;
    }

    private Object variable(String key, boolean json) {
        String value = ctx.variable(key).orElse(null);
        if (value == null) {
            return Namespace.MISSING;
        }
        if (sensitive(key)) {
            secrets.add(value);
        }
        if (!json) {
            return value;
        }
        try {
            return Namespace.wrap("var.json." + key, Json.read(value, Object.class));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("variable '" + key + "' is not JSON");
        }
    }

    private Object connection(String id) {
        Connection c = ctx.connection(id).orElse(null);
        if (c == null) {
            return Namespace.MISSING;
        }
        if (c.password() != null && !c.password().isEmpty()) {
            secrets.add(c.password());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conn_id", c.id());
        m.put("conn_type", c.type());
        m.put("host", c.host());
        m.put("port", c.port());
        m.put("schema", c.schema());
        m.put("login", c.login());
        m.put("password", c.password());
        m.put("extra_dejson", c.extra());
        return new Namespace("conn." + id, m, null, c.id());
    }

    private static String where(String template, PebbleException e) {
        return template.indexOf('\n') >= 0 && e.getLineNumber() != null && e.getLineNumber() > 0
                ? " (line " + e.getLineNumber() + ")" : "";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
