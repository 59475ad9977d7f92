package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.TASK_INSTANCE;

import io.gale.core.DagRun;
import io.gale.core.RunKey;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.store.jooq.tables.records.TaskInstanceRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Row3;
import org.jooq.Row4;
import org.jooq.Row7;
import org.jooq.Table;
import org.jooq.impl.DSL;

/** {@link TaskInstanceRepository} on PostgreSQL. */
final class JooqTaskInstances implements TaskInstanceRepository {

    private final DSLContext dsl;

    JooqTaskInstances(DSLContext dsl) {
        this.dsl = dsl;
    }

    private static Condition ti(TaskKey k) {
        return TASK_INSTANCE.DAG_ID.eq(k.dagId()).and(TASK_INSTANCE.RUN_ID.eq(k.runId())).and(TASK_INSTANCE.TASK_ID.eq(k.taskId()));
    }

    /** The task-instance key columns of a {@code values} table, and the condition joining them to task_instance. */
    private static Condition joins(Table<?> v) {
        return TASK_INSTANCE.DAG_ID.eq(v.field("dag_id", TASK_INSTANCE.DAG_ID.getDataType()))
                .and(TASK_INSTANCE.RUN_ID.eq(v.field("run_id", TASK_INSTANCE.RUN_ID.getDataType())))
                .and(TASK_INSTANCE.TASK_ID.eq(v.field("task_id", TASK_INSTANCE.TASK_ID.getDataType())));
    }

    @Override
    public void createMissing(Map<RunKey, List<NewTask>> tasks) {
        if (tasks.isEmpty()) return;
        var q = dsl.insertInto(TASK_INSTANCE, TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID,
                TASK_INSTANCE.MAX_TRIES, TASK_INSTANCE.OPERATOR);
        for (var e : tasks.entrySet()) {
            for (NewTask t : e.getValue()) {
                q = q.values(e.getKey().dagId(), e.getKey().runId(), t.taskId(), t.maxTries(), t.operator());
            }
        }
        q.onConflictDoNothing().execute();
    }

    @Override
    public List<TaskInstance> forRun(String dagId, String runId) {
        return dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(runId))
                .fetch(JooqTaskInstances::taskInstance);
    }

    @Override
    public Optional<TaskInstance> find(TaskKey key) {
        return dsl.selectFrom(TASK_INSTANCE).where(ti(key)).fetchOptional(JooqTaskInstances::taskInstance);
    }

    @Override
    public Map<String, Integer> countActiveByDag() {
        return dsl.select(TASK_INSTANCE.DAG_ID, DSL.count()).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.in(TaskState.RUNNING, TaskState.QUEUED))
                .groupBy(TASK_INSTANCE.DAG_ID).fetchMap(r -> r.value1(), r -> r.value2());
    }

    @Override
    public List<TaskInstance> forRuns(Collection<DagRun> runs) {
        if (runs.isEmpty()) return List.of();
        var keys = runs.stream().map(r -> DSL.row(r.dagId(), r.runId())).toList();
        return dsl.selectFrom(TASK_INSTANCE).where(DSL.row(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID).in(keys))
                .fetch(JooqTaskInstances::taskInstance);
    }

    @Override
    public List<TaskInstance> findAll(Collection<TaskKey> keys) {
        if (keys.isEmpty()) return List.of();
        List<Row3<String, String, String>> rows = keys.stream().map(k -> DSL.row(k.dagId(), k.runId(), k.taskId())).toList();
        return dsl.selectFrom(TASK_INSTANCE)
                .where(DSL.row(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID).in(rows))
                .fetch(JooqTaskInstances::taskInstance);
    }

    /** One statement for all tries ({@code update ... from (values ...)}), rows in key order. */
    @Override
    @SuppressWarnings("unchecked")
    public void markRunning(Collection<Start> starts, Instant now, String hostname, long pid, long schedulerId) {
        if (starts.isEmpty()) return;
        Row4<String, String, String, Integer>[] rows = JooqStore.sorted(starts, Start::key).stream()
                .map(s -> DSL.row(DSL.val(s.key().dagId(), TASK_INSTANCE.DAG_ID), DSL.val(s.key().runId(), TASK_INSTANCE.RUN_ID),
                        DSL.val(s.key().taskId(), TASK_INSTANCE.TASK_ID), DSL.val(s.tryNumber(), TASK_INSTANCE.TRY_NUMBER)))
                .toArray(Row4[]::new);
        var v = DSL.values(rows).as("v", "dag_id", "run_id", "task_id", "try_number");
        Field<Integer> tryNumber = v.field("try_number", TASK_INSTANCE.TRY_NUMBER.getDataType());
        var t = odt(now);
        dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, TaskState.RUNNING)
                .set(TASK_INSTANCE.TRY_NUMBER, tryNumber)
                .set(TASK_INSTANCE.MAX_TRIES, DSL.greatest(TASK_INSTANCE.MAX_TRIES, tryNumber))
                .set(TASK_INSTANCE.QUEUED_AT, t).set(TASK_INSTANCE.START_DATE, t).set(TASK_INSTANCE.HEARTBEAT_AT, t)
                .setNull(TASK_INSTANCE.END_DATE).setNull(TASK_INSTANCE.DURATION).setNull(TASK_INSTANCE.NEXT_RETRY_AT)
                .set(TASK_INSTANCE.HOSTNAME, hostname).set(TASK_INSTANCE.PID, (int) pid)
                .set(TASK_INSTANCE.SCHEDULER_ID, schedulerId)
                .from(v).where(joins(v))
                .execute();
    }

    /** One statement for all tries ({@code update ... from (values ...) returning}), rows in key order. */
    @Override
    @SuppressWarnings("unchecked")
    public List<TaskKey> finishTries(Collection<Finish> finishes) {
        if (finishes.isEmpty()) return List.of();
        Row7<String, String, String, Integer, TaskState, OffsetDateTime, OffsetDateTime>[] rows =
                JooqStore.sorted(finishes, Finish::key).stream()
                        .map(f -> DSL.row(DSL.val(f.key().dagId(), TASK_INSTANCE.DAG_ID), DSL.val(f.key().runId(), TASK_INSTANCE.RUN_ID),
                                DSL.val(f.key().taskId(), TASK_INSTANCE.TASK_ID), DSL.val(f.tryNumber(), TASK_INSTANCE.TRY_NUMBER),
                                DSL.val(f.state(), TASK_INSTANCE.STATE), DSL.val(odt(f.end()), TASK_INSTANCE.END_DATE),
                                DSL.val(odt(f.nextRetryAt()), TASK_INSTANCE.NEXT_RETRY_AT)))
                        .toArray(Row7[]::new);
        var v = DSL.values(rows).as("v", "dag_id", "run_id", "task_id", "try_number", "state", "end_date", "next_retry_at");
        Field<OffsetDateTime> end = v.field("end_date", TASK_INSTANCE.END_DATE.getDataType());
        return dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, v.field("state", TASK_INSTANCE.STATE.getDataType()))
                .set(TASK_INSTANCE.END_DATE, end)
                .set(TASK_INSTANCE.DURATION, DSL.field("extract(epoch from ({0} - {1}))", Double.class, end, TASK_INSTANCE.START_DATE))
                .set(TASK_INSTANCE.NEXT_RETRY_AT, v.field("next_retry_at", TASK_INSTANCE.NEXT_RETRY_AT.getDataType()))
                .from(v)
                .where(joins(v), TASK_INSTANCE.STATE.eq(TaskState.RUNNING),
                        TASK_INSTANCE.TRY_NUMBER.eq(v.field("try_number", TASK_INSTANCE.TRY_NUMBER.getDataType())))
                .returning(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID)
                .fetch(r -> new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()));
    }

    /**
     * One statement for all task instances ({@code update ... from (values ...)}), rows in key
     * order; a finished state sets the end date, and the start date when it has none.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void setStates(Map<TaskKey, TaskState> states, Instant now) {
        if (states.isEmpty()) return;
        Row4<String, String, String, TaskState>[] rows = JooqStore.sorted(states.entrySet(), Map.Entry::getKey).stream()
                .map(e -> DSL.row(DSL.val(e.getKey().dagId(), TASK_INSTANCE.DAG_ID), DSL.val(e.getKey().runId(), TASK_INSTANCE.RUN_ID),
                        DSL.val(e.getKey().taskId(), TASK_INSTANCE.TASK_ID), DSL.val(e.getValue(), TASK_INSTANCE.STATE)))
                .toArray(Row4[]::new);
        var v = DSL.values(rows).as("v", "dag_id", "run_id", "task_id", "state");
        Field<TaskState> state = v.field("state", TASK_INSTANCE.STATE.getDataType());
        Field<OffsetDateTime> t = DSL.val(odt(now), TASK_INSTANCE.END_DATE);
        Condition finished = state.in(TaskState.FINISHED);
        dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state)
                .set(TASK_INSTANCE.END_DATE, DSL.when(finished, t).otherwise(TASK_INSTANCE.END_DATE))
                .set(TASK_INSTANCE.START_DATE, DSL.when(finished, DSL.coalesce(TASK_INSTANCE.START_DATE, t))
                        .otherwise(TASK_INSTANCE.START_DATE))
                .from(v).where(joins(v))
                .execute();
    }

    @Override
    public void heartbeat(long schedulerId, Instant now) {
        dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.HEARTBEAT_AT, odt(now))
                .where(TASK_INSTANCE.SCHEDULER_ID.eq(schedulerId), TASK_INSTANCE.STATE.eq(TaskState.RUNNING)).execute();
    }

    @Override
    public List<TaskInstance> zombies(Instant staleBefore, Collection<Long> deadSchedulers) {
        return dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.STATE.eq(TaskState.RUNNING))
                .and(TASK_INSTANCE.HEARTBEAT_AT.lt(odt(staleBefore)).or(TASK_INSTANCE.SCHEDULER_ID.in(deadSchedulers)))
                .fetch(JooqTaskInstances::taskInstance);
    }

    @Override
    public int clear(String dagId, String runId, Collection<String> taskIds, int defaultRetries) {
        return dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, DSL.when(TASK_INSTANCE.STATE.eq(TaskState.RUNNING), DSL.val(TaskState.RESTARTING, TASK_INSTANCE.STATE))
                        .otherwise(DSL.val(TaskState.NONE, TASK_INSTANCE.STATE)))
                .set(TASK_INSTANCE.MAX_TRIES, DSL.greatest(TASK_INSTANCE.MAX_TRIES,
                        TASK_INSTANCE.TRY_NUMBER.plus(defaultRetries + 1)))
                .setNull(TASK_INSTANCE.NEXT_RETRY_AT).setNull(TASK_INSTANCE.END_DATE)
                .setNull(TASK_INSTANCE.QUEUED_AT)
                .where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.in(taskIds))
                .execute();
    }

    private static TaskInstance taskInstance(TaskInstanceRecord r) {
        return new TaskInstance(r.getDagId(), r.getRunId(), r.getTaskId(), r.getState(),
                r.getTryNumber(), r.getMaxTries(), r.getOperator(), instant(r.getStartDate()),
                instant(r.getEndDate()), r.getDuration(), r.getHostname(), r.getPid(),
                instant(r.getQueuedAt()), instant(r.getNextRetryAt()), instant(r.getHeartbeatAt()));
    }
}
