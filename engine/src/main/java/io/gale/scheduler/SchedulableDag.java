package io.gale.scheduler;

import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.schedule.Timetable;
import io.gale.schedule.Timetables;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A serialized DAG with what the scheduler derives from it once: its timetable, its tasks by id,
 * their topological order and the leaf tasks.
 */
public record SchedulableDag(SerializedDag dag, Timetable timetable, Map<String, SerializedTask> tasks,
                             List<String> topologicalOrder, List<String> leafIds) {

    /** Builds the timetable and indexes; a schedule that no longer parses is an {@link IllegalArgumentException}. */
    public static SchedulableDag of(SerializedDag dag) {
        Timetable timetable = dag.scheduleInterval() != null ? Timetables.every(dag.scheduleInterval())
                : Timetables.parse(dag.schedule(), ZoneId.of(dag.timezone()));
        Map<String, SerializedTask> tasks = new LinkedHashMap<>();
        dag.tasks().forEach(t -> tasks.put(t.id(), t));
        return new SchedulableDag(dag, timetable, java.util.Collections.unmodifiableMap(tasks), dag.topologicalOrder(),
                dag.leafIds());
    }

    public String id() {
        return dag.dagId();
    }

    public int maxActiveRuns() {
        return dag.maxActiveRuns();
    }

    public int maxActiveTasks() {
        return dag.maxActiveTasks();
    }

    /** The task with this id, or null. */
    public SerializedTask task(String taskId) {
        return tasks.get(taskId);
    }
}
