package io.gale.executor;

import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.api.TaskContext;
import io.gale.api.TaskLog;
import io.gale.core.GaleException;
import io.gale.core.Json;
import io.gale.core.TaskKey;
import io.gale.store.Store;
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

/** The {@link TaskContext} of one try: reads XComs, variables and connections; buffers pushes and log. */
final class RunningTaskContext implements TaskContext {

    private final TaskWorkload w;
    private final Store store;
    private final Path workRoot;
    private final Map<String, String> env;
    private final BufferedTaskLog log;
    private final Map<String, Object> params;
    private final Map<String, String> pushes = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean closed;

    RunningTaskContext(TaskWorkload w, Store store, Path workRoot, Map<String, String> env, BufferedTaskLog log) {
        this.w = w;
        this.store = store;
        this.workRoot = workRoot;
        this.env = env;
        this.log = log;
        Map<String, Object> p = new LinkedHashMap<>(w.dag().params());
        p.putAll(w.run().conf());
        this.params = Collections.unmodifiableMap(p);
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
        pushes.put(key, Json.write(value));
    }

    @Override
    public <T> T xcomPull(String taskId, String key, Class<T> type) {
        String json = taskId.equals(taskId()) && pushes.containsKey(key) ? pushes.get(key)
                : store.xcoms().get(new TaskKey(dagId(), runId(), taskId), key).orElse(null);
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
    public TaskLog log() {
        return log;
    }

    @Override
    public Path workDir() {
        Path dir = workRoot.resolve(dagId()).resolve(safe(runId())).resolve(taskId());
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the working directory " + dir, e);
        }
    }

    @Override
    public Optional<Connection> connection(String connId) {
        String uri = env.get("GALE_CONN_" + envName(connId));
        if (uri != null) {
            return Optional.of(parseConnection(connId, uri));
        }
        return store.connections().get(connId);
    }

    @Override
    public Optional<String> variable(String key) {
        String v = env.get("GALE_VAR_" + envName(key));
        return v != null ? Optional.of(v) : store.variables().get(key);
    }

    @Override
    public ModelRegistry models() {
        return store.models();
    }

    Map<String, String> close() {
        closed = true;
        synchronized (pushes) {
            return new LinkedHashMap<>(pushes);
        }
    }

    /** Airflow's connection URI: {@code type://login:password@host:port/schema?k=v}. */
    static Connection parseConnection(String id, String text) {
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

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    static String safe(String runId) {
        return runId.replaceAll("[^A-Za-z0-9_.\\-+]", "_");
    }
}
