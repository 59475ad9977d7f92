package io.gale.template;

import io.gale.api.TaskContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ti} in a template: {@code try_number}, {@code max_tries}, {@code task_id},
 * {@code dag_id}, {@code run_id}, {@code map_index}, and Airflow's
 * {@code xcom_pull(task_ids, dag_id=None, key='return_value', default=None)} for this run.
 */
final class TaskInstanceView extends Namespace {

    private final TaskContext ctx;

    TaskInstanceView(TaskContext ctx) {
        super("ti", fields(ctx), null, ctx.dagId() + "." + ctx.taskId() + " " + ctx.runId() + " try " + ctx.tryNumber());
        this.ctx = ctx;
    }

    private static Map<String, Object> fields(TaskContext ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dag_id", ctx.dagId());
        m.put("task_id", ctx.taskId());
        m.put("run_id", ctx.runId());
        m.put("try_number", ctx.tryNumber());
        m.put("max_tries", ctx.maxTries());
        m.put("map_index", -1);
        return m;
    }

    /**
     * Airflow's {@code xcom_pull}: positional {@code (task_ids, dag_id, key)} or named; one task
     * id gives its value, a list gives a list. Only this run's XComs can be pulled.
     */
    Object xcomPull(List<Object> positional, Map<String, Object> named) {
        Map<String, Object> a = new LinkedHashMap<>();
        String[] order = {"task_ids", "dag_id", "key"};
        for (int i = 0; i < positional.size(); i++) {
            if (i >= order.length) {
                throw new IllegalArgumentException("xcom_pull takes at most 3 positional arguments (task_ids, dag_id, key)");
            }
            a.put(order[i], positional.get(i));
        }
        for (Map.Entry<String, Object> e : named.entrySet()) {
            if (!List.of("task_ids", "dag_id", "key", "default").contains(e.getKey())) {
                throw new IllegalArgumentException("xcom_pull has no argument '" + e.getKey() + "' (task_ids, dag_id, key, default)");
            }
            a.put(e.getKey(), e.getValue());
        }
        Object dagId = a.get("dag_id");
        if (dagId != null && !dagId.equals(ctx.dagId())) {
            throw new IllegalArgumentException("xcom_pull can only pull from this DAG run, not from DAG '" + dagId + "'");
        }
        Object taskIds = a.get("task_ids");
        String key = a.get("key") == null ? TaskContext.RETURN_VALUE : String.valueOf(a.get("key"));
        Object dflt = a.get("default");
        if (taskIds instanceof List<?> ids) {
            List<Object> values = new ArrayList<>(ids.size());
            for (Object id : ids) {
                values.add(pull(String.valueOf(id), key, dflt));
            }
            return values;
        }
        if (taskIds == null) {
            throw new IllegalArgumentException("xcom_pull needs task_ids");
        }
        return pull(String.valueOf(taskIds), key, dflt);
    }

    private Object pull(String taskId, String key, Object dflt) {
        Object v = ctx.xcomPull(taskId, key, Object.class);
        String path = "ti.xcom_pull('" + taskId + "'" + (TaskContext.RETURN_VALUE.equals(key) ? "" : ", key='" + key + "'") + ")";
        return v == null ? dflt : wrap(path, v);
    }
}
