package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.jooq.Tables.XCOM;

import io.gale.core.TaskKey;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/** {@link XComRepository} on PostgreSQL. */
final class JooqXComs implements XComRepository {

    private final DSLContext dsl;

    JooqXComs(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void put(TaskKey k, String xcomKey, String json) {
        dsl.insertInto(XCOM).set(XCOM.DAG_ID, k.dagId()).set(XCOM.RUN_ID, k.runId()).set(XCOM.TASK_ID, k.taskId())
                .set(XCOM.KEY, xcomKey).set(XCOM.VALUE, JSONB.valueOf(json))
                .onConflict(XCOM.DAG_ID, XCOM.RUN_ID, XCOM.TASK_ID, XCOM.KEY).doUpdate()
                .set(XCOM.VALUE, JSONB.valueOf(json)).set(XCOM.TIMESTAMP, DSL.currentOffsetDateTime())
                .execute();
    }

    @Override
    public void putAll(Collection<Push> pushes) {
        if (pushes.isEmpty()) return;
        var v = Unnest.byTask(pushes, Push::task).text("key", Push::key).text("value", Push::json);
        dsl.insertInto(XCOM, XCOM.DAG_ID, XCOM.RUN_ID, XCOM.TASK_ID, XCOM.KEY, XCOM.VALUE)
                .select(DSL.select(Unnest.field("dag_id", XCOM.DAG_ID.getDataType()), Unnest.field("run_id", XCOM.RUN_ID.getDataType()),
                        Unnest.field("task_id", XCOM.TASK_ID.getDataType()), Unnest.field("key", XCOM.KEY.getDataType()),
                        DSL.field("{0}::jsonb", XCOM.VALUE.getDataType(), Unnest.field("value", org.jooq.impl.SQLDataType.CLOB)))
                        .from(v.table()))
                .onConflict(XCOM.DAG_ID, XCOM.RUN_ID, XCOM.TASK_ID, XCOM.KEY).doUpdate()
                .set(XCOM.VALUE, DSL.excluded(XCOM.VALUE)).set(XCOM.TIMESTAMP, DSL.currentOffsetDateTime())
                .execute();
    }

    @Override
    public Optional<String> get(TaskKey k, String xcomKey) {
        return dsl.select(XCOM.VALUE).from(XCOM)
                .where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId()), XCOM.KEY.eq(xcomKey))
                .fetchOptional(r -> r.value1().data());
    }

    @Override
    public List<Entry> list(TaskKey k) {
        return dsl.selectFrom(XCOM)
                .where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId()))
                .orderBy(XCOM.KEY)
                .fetch(r -> new Entry(r.getTaskId(), r.getKey(), r.getValue().data(), instant(r.getTimestamp())));
    }

    @Override
    public void deleteAll(Collection<TaskKey> keys) {
        if (keys.isEmpty()) return;
        dsl.deleteFrom(XCOM).where(Unnest.inTasks(XCOM.DAG_ID, XCOM.RUN_ID, XCOM.TASK_ID, keys)).execute();
    }

    @Override
    public void deleteAll(TaskKey k) {
        dsl.deleteFrom(XCOM).where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId())).execute();
    }
}
