package io.gale.store;

import static io.gale.store.jooq.Tables.TASK_LOG;

import io.gale.core.TaskKey;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@link TaskLogRepository} on PostgreSQL. */
final class JooqTaskLogs implements TaskLogRepository {

    private final DSLContext dsl;

    JooqTaskLogs(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void putAll(Collection<Entry> logs) {
        if (logs.isEmpty()) return;
        var v = Unnest.byTask(logs, Entry::key).integer("try_number", Entry::tryNumber).text("content", Entry::content);
        dsl.insertInto(TASK_LOG, TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER, TASK_LOG.CONTENT)
                .select(DSL.select(Unnest.field("dag_id", TASK_LOG.DAG_ID.getDataType()), Unnest.field("run_id", TASK_LOG.RUN_ID.getDataType()),
                        Unnest.field("task_id", TASK_LOG.TASK_ID.getDataType()), Unnest.field("try_number", TASK_LOG.TRY_NUMBER.getDataType()),
                        Unnest.field("content", TASK_LOG.CONTENT.getDataType())).from(v.table()))
                .onConflict(TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER).doUpdate()
                .set(TASK_LOG.CONTENT, DSL.excluded(TASK_LOG.CONTENT)).set(TASK_LOG.UPDATED_AT, DSL.currentOffsetDateTime())
                .execute();
    }

    @Override
    public Optional<String> get(TaskKey k, int tryNumber) {
        return dsl.select(TASK_LOG.CONTENT).from(TASK_LOG)
                .where(TASK_LOG.DAG_ID.eq(k.dagId()), TASK_LOG.RUN_ID.eq(k.runId()), TASK_LOG.TASK_ID.eq(k.taskId()),
                        TASK_LOG.TRY_NUMBER.eq(tryNumber))
                .fetchOptional(r -> r.value1());
    }

    @Override
    public void append(TaskKey k, int tryNumber, String text) {
        dsl.insertInto(TASK_LOG).set(TASK_LOG.DAG_ID, k.dagId()).set(TASK_LOG.RUN_ID, k.runId())
                .set(TASK_LOG.TASK_ID, k.taskId()).set(TASK_LOG.TRY_NUMBER, tryNumber).set(TASK_LOG.CONTENT, text)
                .onConflict(TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER).doUpdate()
                .set(TASK_LOG.CONTENT, TASK_LOG.CONTENT.concat(text)).set(TASK_LOG.UPDATED_AT, DSL.currentOffsetDateTime())
                .execute();
    }

    @Override
    public List<Integer> tries(TaskKey k) {
        return dsl.select(TASK_LOG.TRY_NUMBER).from(TASK_LOG)
                .where(TASK_LOG.DAG_ID.eq(k.dagId()), TASK_LOG.RUN_ID.eq(k.runId()), TASK_LOG.TASK_ID.eq(k.taskId()))
                .orderBy(TASK_LOG.TRY_NUMBER).fetch(r -> r.value1());
    }
}
