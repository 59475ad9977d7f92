package io.gale.operators.recsys;

import io.gale.api.TaskContext;

/** Typed params with defaults. */
final class TaskParams {
    private TaskParams() {
    }

    static <T> T get(TaskContext ctx, String name, Class<T> type, T fallback) {
        T v = ctx.param(name, type);
        return v == null ? fallback : v;
    }

    /** A string value from the params, else from {@code key} of {@code task}'s XCom, else a failure naming both. */
    static String paramOrXCom(TaskContext ctx, String param, String task, String key) {
        String v = ctx.param(param, String.class);
        if (v == null && task != null) {
            v = ctx.xcomPull(task, key, String.class);
        }
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("task '" + ctx.taskId() + "': no '" + param + "' param and no XCom '"
                    + key + "' from task '" + task + "'");
        }
        return v;
    }
}
