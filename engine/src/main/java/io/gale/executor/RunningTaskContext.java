package io.gale.executor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStores;
import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.api.TaskContext;
import io.gale.api.TaskLog;
import io.gale.api.TrainingMetrics;
import io.gale.core.GaleException;
import io.gale.core.Json;
import io.gale.core.TaskKey;
import io.gale.core.Text;
import io.gale.template.TemplateRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link TaskContext} of one try: reads XComs, variables and connections and reaches the model
 * registry and other DAGs through {@link TaskServices}; buffers pushes and log.
 */
final class RunningTaskContext implements TaskContext {

    /** The XCom key of a try's rendered template fields: a JSON map of field to (masked) value. */
    static final String RENDERED_FIELDS = "rendered_fields";

    private final TaskWorkload w;
    private final java.util.function.LongConsumer processGroups;
    private final TaskServices services;
    private final Path workRoot;
    private final Map<String, String> env;
    private final BufferedTaskLog log;
    private final io.gale.metrics.Metrics metrics;
    private final Map<String, Object> params;
    private final Map<String, String> pushes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> rendered = Collections.synchronizedMap(new LinkedHashMap<>());
    private final TemplateRenderer templates = new TemplateRenderer(this);
    private volatile boolean closed;
    private volatile long callbackId;
    private ArtifactStore artifacts;

    RunningTaskContext(TaskWorkload w, TaskServices services, Path workRoot, Map<String, String> env, BufferedTaskLog log,
                       java.util.function.LongConsumer processGroups, io.gale.metrics.Metrics metrics) {
        this.metrics = metrics;
        this.w = w;
        this.processGroups = processGroups;
        this.services = services;
        this.workRoot = workRoot;
        this.env = env;
        this.log = log;
        Map<String, Object> p = new LinkedHashMap<>(w.dag().params());
        p.putAll(w.run().conf());
        this.params = Collections.unmodifiableMap(p);
    }

    /** Makes this the context of a callback delivered from outbox row {@code id}. */
    void forCallback(long id) {
        this.callbackId = id;
    }

    @Override
    public java.util.OptionalLong callbackId() {
        return callbackId == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(callbackId);
    }

    @Override
    public String dagId() {
        return w.run().dagId();
    }

    @Override
    public String runId() {
        return w.run().runId();
    }

    @Override
    public String taskId() {
        return w.task().id();
    }

    @Override
    public int tryNumber() {
        return w.tryNumber();
    }

    @Override
    public int maxTries() {
        return w.maxTries();
    }

    @Override
    public ZoneId timezone() {
        return ZoneId.of(w.dag().timezone());
    }

    @Override
    public Instant logicalDate() {
        return w.run().logicalDate();
    }

    @Override
    public Instant dataIntervalStart() {
        return w.run().dataIntervalStart();
    }

    @Override
    public Instant dataIntervalEnd() {
        return w.run().dataIntervalEnd();
    }

    @Override
    public Map<String, Object> params() {
        return params;
    }

    @Override
    public <T> T param(String name, Class<T> type) {
        Object v = params.get(name);
        try {
            return v == null ? null : Json.MAPPER.convertValue(v, type);
        } catch (IllegalArgumentException e) {
            throw new GaleException("param '" + name + "' = " + v + " is not a " + type.getSimpleName());
        }
    }

    @Override
    public Map<String, Object> conf() {
        return w.run().conf();
    }

    @Override
    public void xcomPush(String key, Object value) {
        if (closed) {
            throw new IllegalStateException("task '" + taskId() + "': this try has ended, its XComs are stored");
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("task '" + taskId() + "': XCom key must not be empty");
        }
        pushes.put(key, xcomJson(value, "task '" + taskId() + "' pushed XCom '" + key + "' with a value"));
    }

    /** Stores the value the operator returned as XCom {@code return_value}. */
    void pushReturnValue(Object value) {
        pushes.put(RETURN_VALUE, xcomJson(value, "task returned a value"));
    }

    /**
     * The value as XCom JSON, or a one-line {@link GaleException} naming its type if it is not
     * data: a record, a bean with properties, a collection, an array, a map, a string, a number,
     * a boolean, an enum, a java.time value or null (and so on, all the way down). Other JDK
     * objects (a {@code Thread}, a stream, an {@code Optional}) and objects without properties
     * are refused rather than dumped.
     */
    static String xcomJson(Object value, String what) {
        try {
            return XCOM_MAPPER.writeValueAsString(value);
        } catch (NotData e) {
            throw notStorable(what, e.type, value, "");
        } catch (InvalidDefinitionException e) {
            throw notStorable(what, e.getType() == null ? value.getClass() : e.getType().getRawClass(), value,
                    ", which has no properties");
        } catch (JsonProcessingException e) {
            throw notStorable(what, value.getClass(), value, " (" + Text.abbreviate(String.valueOf(e.getOriginalMessage()), 120) + ")");
        }
    }

    private static GaleException notStorable(String what, Class<?> type, Object value, String detail) {
        return new GaleException(what + " that cannot be stored as XCom: " + type.getName()
                + (type == value.getClass() ? "" : " (inside a " + value.getClass().getName() + ")") + detail);
    }

    @Override
    public <T> T xcomPull(String taskId, String key, Class<T> type) {
        String json = taskId.equals(taskId()) && pushes.containsKey(key) ? pushes.get(key)
                : services.xcom(new TaskKey(dagId(), runId(), taskId), key).orElse(null);
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new GaleException("XCom '" + key + "' of task '" + taskId + "' is not a " + type.getSimpleName() + ": " + json);
        }
    }

    @Override
    public <T> List<T> xcomPull(List<String> taskIds, String key, Class<T> type) {
        List<T> values = new ArrayList<>(taskIds.size());
        for (String t : taskIds) {
            values.add(xcomPull(t, key, type));
        }
        return values;
    }

    @Override
    public String render(String field, String template) {
        String value = templates.render(field, template);
        String shown = templates.shown(field, value);
        rendered.put(field, shown);
        log.info("Rendered {}: {}", field, shown == null ? "null" : shown.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n"));
        return value;
    }

    @Override
    public TaskLog log() {
        return log;
    }

    @Override
    public Path workDir() {
        Path dir = workRoot.resolve(pathSegment(dagId())).resolve(pathSegment(runId())).resolve(pathSegment(taskId()));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the working directory " + dir, e);
        }
    }

    @Override
    public void runsProcessGroup(long id) {
        processGroups.accept(id);
    }

    @Override
    public Optional<Connection> connection(String connId) {
        return Connections.fromEnv(connId, env).or(() -> services.connection(connId));
    }

    @Override
    public Optional<String> variable(String key) {
        String v = env.get("GALE_VAR_" + envName(key));
        return v != null ? Optional.of(v) : services.variable(key);
    }

    @Override
    public ModelRegistry models() {
        return services.models(w.key(), tryNumber());
    }

    /** Writes each epoch at once (not with the try's XComs), so a curve shows while training runs. */
    @Override
    public TrainingMetrics trainingMetrics() {
        return (epoch, metrics, seconds) -> {
            if (epoch < 1) {
                throw new IllegalArgumentException("task '" + taskId() + "': epochs are numbered from 1, got " + epoch);
            }
            for (String name : metrics.keySet()) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("task '" + taskId() + "': a training metric needs a name");
                }
            }
            services.recordEpoch(w.key(), tryNumber(), epoch, metrics, seconds);
        };
    }

    @Override
    public synchronized ArtifactStore artifacts() {
        if (artifacts == null) {
            String root = param("artifact_root", String.class);
            if (root == null || root.isBlank()) {
                root = env.get("GALE_ARTIFACT_ROOT");
            }
            // the work root is $GALE_HOME/work: artifacts go beside it
            URI location = root == null || root.isBlank() ? workRoot.resolveSibling("artifacts").toUri() : URI.create(root.trim());
            String connId = param("artifact_conn_id", String.class);
            if (connId == null || connId.isBlank()) {
                connId = env.get("GALE_ARTIFACT_CONN_ID");
            }
            Connection conn = null;
            if (connId != null && !connId.isBlank()) {
                String id = connId.trim();
                conn = connection(id).orElseThrow(() -> new ArtifactStoreException(location,
                        "connection '" + id + "' for the artifact store is not defined (set GALE_CONN_" + envName(id)
                                + " or add it to the database)"));
            }
            artifacts = ArtifactStores.open(location, conn);
        }
        return artifacts;
    }

    @Override
    public String triggerDagRun(String dagId, String runId, Map<String, Object> conf) {
        TaskServices.Triggered t = services.triggerDagRun(w.key(), tryNumber(), dagId, runId, conf);
        if (t.created()) {
            log.info("triggered run {} of {}", t.runId(), dagId);
        } else {
            log.info("run {} of {} exists already: not triggered again", t.runId(), dagId);
        }
        return t.runId();
    }

    /** Ends the try's XComs: what was pushed, and the rendered fields (masked) as {@value #RENDERED_FIELDS}. */
    Map<String, String> close() {
        closed = true;
        synchronized (rendered) {
            if (!rendered.isEmpty()) {
                pushes.put(RENDERED_FIELDS, Json.write(new LinkedHashMap<>(rendered)));
            }
        }
        synchronized (pushes) {
            return new LinkedHashMap<>(pushes);
        }
    }

    /**
     * Airflow's connection URI, {@code type://login:password@host:port/schema?k=v}, or its JSON form
     * {@code {"conn_type": ..., "host": ..., "port": ..., "login": ..., "password": ..., "schema": ..., "extra": {...}}}.
     */
    static Connection parseConnection(String id, String text) {
        if (text.trim().startsWith("{")) {
            return parseJsonConnection(id, text);
        }
        try {
            URI u = URI.create(text);
            String login = null;
            String password = null;
            if (u.getRawUserInfo() != null) {
                String[] parts = u.getRawUserInfo().split(":", 2);
                login = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : null;
            }
            Map<String, String> extra = new LinkedHashMap<>();
            if (u.getRawQuery() != null) {
                for (String kv : u.getRawQuery().split("&")) {
                    String[] p = kv.split("=", 2);
                    extra.put(decode(p[0]), p.length > 1 ? decode(p[1]) : "");
                }
            }
            String path = u.getPath() == null || u.getPath().length() <= 1 ? null : u.getPath().substring(1);
            return new Connection(id, u.getScheme(), u.getHost(), u.getPort() < 0 ? null : u.getPort(), path, login, password, extra);
        } catch (IllegalArgumentException e) {
            throw new GaleException("connection '" + id + "' from GALE_CONN_" + envName(id)
                    + " is not a URI like type://login:password@host:port/schema");
        }
    }

    private static Connection parseJsonConnection(String id, String text) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new GaleException("connection '" + id + "' from GALE_CONN_" + envName(id)
                    + " is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        Map<String, String> extra = new LinkedHashMap<>();
        JsonNode x = n.path("extra");
        if (x.isTextual() && !x.asText().isBlank()) {
            try {
                x = Json.MAPPER.readTree(x.asText());
            } catch (JsonProcessingException e) {
                throw new GaleException("connection '" + id + "': extra is not a JSON object");
            }
        }
        x.fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        Integer port = n.hasNonNull("port") ? n.get("port").asInt() : null;
        return new Connection(id, text(n, "conn_type"), text(n, "host"), port, text(n, "schema"), text(n, "login"),
                text(n, "password"), extra);
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    /**
     * An id as one folder name, injectively: every character outside {@code [A-Za-z0-9_-]}
     * (including {@code .}, {@code :}, {@code /} and {@code %}) becomes {@code %XX} of its UTF-8
     * bytes, so {@code ..} or a separator can never appear and distinct ids get distinct folders.
     */
    static String pathSegment(String id) {
        StringBuilder sb = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append(c);
            } else {
                sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
            }
        }
        return sb.toString();
    }

    private static final String HEX = "0123456789ABCDEF";

    /** Json.MAPPER, refusing to write JDK classes as beans. */
    private static final ObjectMapper XCOM_MAPPER = Json.MAPPER.copy().registerModule(new SimpleModule("gale-xcom")
            .setSerializerModifier(new BeanSerializerModifier() {
                @Override
                public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
                                                          JsonSerializer<?> serializer) {
                    Class<?> type = description.getBeanClass();
                    String module = type.getModule().getName();
                    boolean platform = module != null && (module.startsWith("java.") || module.startsWith("jdk."));
                    return serializer instanceof BeanSerializerBase && platform && !type.isRecord()
                            ? new Refused(type) : serializer;
                }
            }));

    /** Writes nothing: throws {@link NotData} for a type that is not data. */
    private static final class Refused extends StdSerializer<Object> {
        private final Class<?> type;

        Refused(Class<?> type) {
            super(Object.class);
            this.type = type;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            throw new NotData(gen, type);
        }
    }

    /** A value (or a part of it) that is not data. */
    private static final class NotData extends JsonMappingException {
        private final transient Class<?> type;

        NotData(JsonGenerator gen, Class<?> type) {
            super(gen, type.getName() + " is not data");
            this.type = type;
        }
    }

    @Override
    public void increment(String counter, Map<String, String> tags) {
        metrics.increment(counter, tags);
    }
}
