package io.gale.store;

import io.gale.core.RunKey;
import io.gale.core.TaskKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Many rows as one statement parameter per column: {@code unnest(?, ?, ...) as v(c1, c2, ...)},
 * each parameter an array. The statement's text does not depend on the number of rows, so
 * PostgreSQL plans it once per connection and jOOQ renders a few dozen characters instead of a
 * {@code values} list with a parameter per cell.
 */
final class Unnest<T> {

    /** The alias of the unnested table in statements. */
    static final String ALIAS = "v";

    private final List<T> items;
    private final List<String> names = new ArrayList<>();
    private final List<Field<?>> arrays = new ArrayList<>();

    private Unnest(Collection<T> items) {
        this.items = List.copyOf(items);
    }

    /** Rows for {@code items}, in their order. */
    static <T> Unnest<T> of(Collection<T> items) {
        return new Unnest<>(items);
    }

    /** Rows for {@code items} in task key order (so concurrent updates lock rows in one order). */
    static <T> Unnest<T> byTask(Collection<T> items, Function<T, TaskKey> key) {
        return new Unnest<>(JooqStore.sorted(items, key)).text("dag_id", i -> key.apply(i).dagId())
                .text("run_id", i -> key.apply(i).runId()).text("task_id", i -> key.apply(i).taskId());
    }

    /** Rows for {@code items} in run key order. */
    static <T> Unnest<T> byRun(Collection<T> items, Function<T, RunKey> key) {
        List<T> sorted = items.stream().sorted(java.util.Comparator.comparing((T i) -> key.apply(i).dagId())
                .thenComparing(i -> key.apply(i).runId())).collect(Collectors.toList());
        return new Unnest<>(sorted).text("dag_id", i -> key.apply(i).dagId()).text("run_id", i -> key.apply(i).runId());
    }

    Unnest<T> text(String name, Function<T, String> value) {
        return column(name, value, String[]::new);
    }

    Unnest<T> integer(String name, Function<T, Integer> value) {
        return column(name, value, Integer[]::new);
    }

    Unnest<T> bigint(String name, Function<T, Long> value) {
        return column(name, value, Long[]::new);
    }

    Unnest<T> timestamp(String name, Function<T, java.time.Instant> value) {
        return column(name, i -> JooqStore.odt(value.apply(i)), java.time.OffsetDateTime[]::new);
    }

    private <V> Unnest<T> column(String name, Function<T, V> value, java.util.function.IntFunction<V[]> array) {
        names.add(name);
        arrays.add(DSL.val(items.stream().map(value).toArray(array)));
        return this;
    }

    /** The table: {@code unnest(...) as v(names...)}. */
    Table<?> table() {
        StringBuilder sql = new StringBuilder("unnest(");
        for (int i = 0; i < arrays.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append('{').append(i).append('}');
        }
        sql.append(") as ").append(ALIAS).append('(').append(String.join(", ", names)).append(')');
        return DSL.table(sql.toString(), arrays.toArray());
    }

    /** A column of the table, typed like the column it is compared with or written to. */
    static <V> Field<V> field(String name, DataType<V> type) {
        return DSL.field(DSL.name(ALIAS, name), type);
    }

    /** {@code (dag_id, run_id) in (select dag_id, run_id from unnest(?, ?))}: one index lookup per run. */
    static org.jooq.Condition inRuns(Field<String> dagId, Field<String> runId, Collection<RunKey> runs) {
        return DSL.row(dagId, runId).in(DSL.select(field("dag_id", dagId.getDataType()), field("run_id", runId.getDataType()))
                .from(byRun(runs, k -> k).table()));
    }

    /** {@code (dag_id, run_id, task_id) in (select ... from unnest(?, ?, ?))}, as {@link #inRuns}. */
    static org.jooq.Condition inTasks(Field<String> dagId, Field<String> runId, Field<String> taskId, Collection<TaskKey> tasks) {
        return DSL.row(dagId, runId, taskId).in(DSL.select(field("dag_id", dagId.getDataType()),
                field("run_id", runId.getDataType()), field("task_id", taskId.getDataType())).from(byTask(tasks, k -> k).table()));
    }

    boolean isEmpty() {
        return items.isEmpty();
    }
}
