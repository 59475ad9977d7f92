package io.gale.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.gale.api.Dag;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DAG as the DAG processor stored it (Airflow's serialized DAG): its structure, schedule and
 * settings, without code. The scheduler plans from it, and every command that only shows or
 * operates on DAGs reads it; only the DAG processor and whatever executes tasks load DAG code.
 *
 * @param schedule         the cron expression or preset, or null (see {@code scheduleInterval})
 * @param scheduleInterval a fixed interval schedule, or null
 * @param timezone         the zone the schedule is read in (an IANA id)
 * @param startDate        null for an unscheduled DAG without one
 * @param params           param names with their defaults, in declaration order
 * @param paramTypes       the JSON type of each default ({@code string, integer, number, boolean, array, object, null})
 * @param tasks            tasks in topological order
 * @param fileloc          the file (or {@code classpath:class}) that defines it
 * @param bundle           the bundle that owns it: {@code classpath} or {@code dags-folder:<path>}
 */
public record SerializedDag(String dagId, String description, String schedule, Duration scheduleInterval,
                            String timezone, Instant startDate, Instant endDate, boolean catchup, int maxActiveRuns,
                            int maxActiveTasks, List<String> tags, Map<String, Object> params,
                            Map<String, String> paramTypes, List<SerializedTask> tasks, String fileloc, String bundle) {

    public SerializedDag {
        tags = List.copyOf(tags);
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        paramTypes = Map.copyOf(paramTypes);
        tasks = List.copyOf(tasks);
    }

    /** The serialized form of a built DAG. */
    public static SerializedDag of(Dag dag, String fileloc, String bundle) {
        List<SerializedTask> tasks = new ArrayList<>();
        for (String id : dag.topologicalOrder()) {
            tasks.add(SerializedTask.of(dag.task(id)));
        }
        Map<String, String> types = new LinkedHashMap<>();
        // params go through JSON, as the stored form will
        Map<String, Object> params = Json.MAPPER.convertValue(dag.params(),
                new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        params.forEach((k, v) -> types.put(k, jsonType(v)));
        return new SerializedDag(dag.id(), dag.description(), dag.schedule(), dag.scheduleInterval(),
                dag.timezone().getId(), dag.startDate() == null ? null : dag.startDate().toInstant(),
                dag.endDate() == null ? null : dag.endDate().toInstant(), dag.catchup(), dag.maxActiveRuns(),
                dag.maxActiveTasks(), dag.tags(), params, types, tasks, fileloc, bundle);
    }

    /** The stored JSON form. */
    public String toJson() {
        return Json.write(this);
    }

    public static SerializedDag fromJson(String json) {
        return Json.read(json, SerializedDag.class);
    }

    /** A content hash of everything but where it was loaded from: it names the DAG's version. */
    @JsonIgnore
    public String hash() {
        try {
            String json = Json.write(new SerializedDag(dagId, description, schedule, scheduleInterval, timezone,
                    startDate, endDate, catchup, maxActiveRuns, maxActiveTasks, tags, params, new java.util.TreeMap<>(paramTypes),
                    tasks, "", ""));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The schedule as users see it: the cron expression or preset, the interval, or null. */
    @JsonIgnore
    public String scheduleText() {
        return scheduleInterval != null ? scheduleInterval.toString() : schedule;
    }

    /** The task with this id, or null. */
    public SerializedTask task(String taskId) {
        for (SerializedTask t : tasks) {
            if (t.id().equals(taskId)) {
                return t;
            }
        }
        return null;
    }

    /** Task ids, upstream first. */
    @JsonIgnore
    public List<String> topologicalOrder() {
        return tasks.stream().map(SerializedTask::id).toList();
    }

    /** Direct downstream task ids of a task. */
    public List<String> downstreamIds(String taskId) {
        return tasks.stream().filter(t -> t.upstreamIds().contains(taskId)).map(SerializedTask::id).toList();
    }

    /** Tasks with no downstream task: the ones whose states decide the run's state. */
    @JsonIgnore
    public List<String> leafIds() {
        java.util.Set<String> upstream = new java.util.HashSet<>();
        tasks.forEach(t -> upstream.addAll(t.upstreamIds()));
        return tasks.stream().map(SerializedTask::id).filter(id -> !upstream.contains(id)).toList();
    }

    /** The JSON type name of a value read from JSON ({@code string, integer, number, boolean, array, object, null}). */
    public static String jsonType(Object v) {
        if (v == null) return "null";
        if (v instanceof String) return "string";
        if (v instanceof Boolean) return "boolean";
        if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) return "integer";
        if (v instanceof Number) return "number";
        if (v instanceof List) return "array";
        return "object";
    }
}
