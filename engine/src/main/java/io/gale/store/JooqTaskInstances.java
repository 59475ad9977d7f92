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

    /** The condition joining an {@link Unnest} table's task key columns to task_instance. */
    private static Condition joined() {
        return TASK_INSTANCE.DAG_ID.eq(Unnest.field("dag_id", TASK_INSTANCE.DAG_ID.getDataType()))
                .and(TASK_INSTANCE.RUN_ID.eq(Unnest.field("run_id", TASK_INSTANCE.RUN_ID.getDataType())))
                .and(TASK_INSTANCE.TASK_ID.eq(Unnest.field("task_id", TASK_INSTANCE.TASK_ID.getDataType())));
    }

    @Override
    public void createMissing(Map<RunKey, List<NewTask>> tasks) {
        if (tasks.isEmpty()) return;
        record Row(TaskKey key, NewTask task) {
        }
        List<Row> rows = tasks.entrySet().stream().flatMap(e -> e.getValue().stream()
                .map(t -> new Row(new TaskKey(e.getKey().dagId(), e.getKey().runId(), t.taskId()), t))).toList();
        var v = Unnest.byTask(rows, Row::key).integer("max_tries", r -> r.task().maxTries()).text("operator", r -> r.task().operator());
        dsl.insertInto(TASK_INSTANCE, TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID,
                        TASK_INSTANCE.MAX_TRIES, TASK_INSTANCE.OPERATOR)
                .select(DSL.select(Unnest.field("dag_id", TASK_INSTANCE.DAG_ID.getDataType()),
                        Unnest.field("run_id", TASK_INSTANCE.RUN_ID.getDataType()), Unnest.field("task_id", TASK_INSTANCE.TASK_ID.getDataType()),
                        Unnest.field("max_tries", TASK_INSTANCE.MAX_TRIES.getDataType()),
                        Unnest.field("operator", TASK_INSTANCE.OPERATOR.getDataType())).from(v.table()))
                .onConflictDoNothing().execute();
    }

    @Override
    public List<TaskInstance> forRun(String dagId, String runId) {
        return dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(runId))
                .fetch(JooqTaskInstances::taskInstance);
    }

    @Override
    public List<TaskInstance> forRuns(String dagId, Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        return dsl.selectFrom(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(DSL.any(runIds.toArray(String[]::new))))
                .fetch(JooqTaskInstances::taskInstance);
    }

    @Override
    public Optional<TaskInstance> find(TaskKey key) {
        return dsl.selectFrom(TASK_INSTANCE).where(ti(key)).fetchOptional(JooqTaskInstances::taskInstance);
    }

    @Override
    public Map<TaskState, Integer> countByState() {
        return dsl.select(TASK_INSTANCE.STATE, DSL.count()).from(TASK_INSTANCE).groupBy(TASK_INSTANCE.STATE)
                .fetchMap(r -> r.value1(), r -> r.value2());
    }

    @Override
    public Active active() {
        Map<String, Integer> byDag = new java.util.HashMap<>();
        Map<String, Integer> byPool = new java.util.HashMap<>();
        dsl.select(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.POOL, DSL.count(), DSL.sum(TASK_INSTANCE.POOL_SLOTS)).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.in(TaskState.RUNNING, TaskState.QUEUED))
                .groupBy(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.POOL)
                .forEach(r -> {
                    byDag.merge(r.value1(), r.value3(), Integer::sum);
                    byPool.merge(r.value2(), r.value4().intValue(), Integer::sum);
                });
        return new Active(byDag, byPool);
    }

    @Override
    public Map<String, Map<TaskState, Integer>> poolUsage() {
        Map<String, Map<TaskState, Integer>> out = new java.util.TreeMap<>();
        dsl.select(TASK_INSTANCE.POOL, TASK_INSTANCE.STATE, DSL.sum(TASK_INSTANCE.POOL_SLOTS)).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.in(TaskState.RUNNING, TaskState.QUEUED))
                .groupBy(TASK_INSTANCE.POOL, TASK_INSTANCE.STATE)
                .forEach(r -> out.computeIfAbsent(r.value1(), k -> new java.util.EnumMap<>(TaskState.class))
                        .put(r.value2(), r.value3().intValue()));
        return out;
    }

    @Override
    public List<Progress> forRuns(Collection<DagRun> runs) {
        if (runs.isEmpty()) return List.of();
        return progress(Unnest.inRuns(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID,
                runs.stream().map(r -> new RunKey(r.dagId(), r.runId())).toList()));
    }

    @Override
    public List<Progress> progress(Collection<TaskKey> keys) {
        if (keys.isEmpty()) return List.of();
        return progress(Unnest.inTasks(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID, keys));
    }

    private List<Progress> progress(Condition which) {
        return dsl.select(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID, TASK_INSTANCE.STATE,
                        TASK_INSTANCE.TRY_NUMBER, TASK_INSTANCE.MAX_TRIES, TASK_INSTANCE.NEXT_RETRY_AT)
                .from(TASK_INSTANCE).where(which)
                .fetch(r -> new Progress(new TaskKey(r.value1(), r.value2(), r.value3()), r.value4(), r.value5(), r.value6(),
                        instant(r.value7())));
    }

    /** One statement for all tries ({@code update ... from unnest(...)}), rows in key order. */
    @Override
    public void markRunning(Collection<Start> starts, Instant now, String hostname, long pid, long schedulerId) {
        if (starts.isEmpty()) return;
        var v = Unnest.byTask(starts, Start::key).integer("try_number", Start::tryNumber).text("queue", Start::queue)
                .text("pool", Start::pool).integer("pool_slots", Start::poolSlots);
        Field<Integer> tryNumber = Unnest.field("try_number", TASK_INSTANCE.TRY_NUMBER.getDataType());
        var t = odt(now);
        dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, TaskState.RUNNING)
                .set(TASK_INSTANCE.TRY_NUMBER, tryNumber)
                .set(TASK_INSTANCE.MAX_TRIES, DSL.greatest(TASK_INSTANCE.MAX_TRIES, tryNumber))
                .set(TASK_INSTANCE.QUEUED_AT, t).set(TASK_INSTANCE.START_DATE, t).set(TASK_INSTANCE.HEARTBEAT_AT, t)
                .setNull(TASK_INSTANCE.END_DATE).setNull(TASK_INSTANCE.DURATION).setNull(TASK_INSTANCE.NEXT_RETRY_AT)
                .set(TASK_INSTANCE.HOSTNAME, hostname).set(TASK_INSTANCE.PID, (int) pid)
                .set(TASK_INSTANCE.SCHEDULER_ID, schedulerId).setNull(TASK_INSTANCE.PROCESS_GROUP)
                .set(TASK_INSTANCE.QUEUE, Unnest.field("queue", TASK_INSTANCE.QUEUE.getDataType()))
                .set(TASK_INSTANCE.POOL, Unnest.field("pool", TASK_INSTANCE.POOL.getDataType()))
                .set(TASK_INSTANCE.POOL_SLOTS, Unnest.field("pool_slots", TASK_INSTANCE.POOL_SLOTS.getDataType()))
                .from(v.table()).where(joined())
                .execute();
    }

    /** One statement for all tries ({@code update ... from unnest(...) returning}), rows in key order. */
    @Override
    public List<TaskKey> finishTries(Collection<Finish> finishes) {
        if (finishes.isEmpty()) return List.of();
        var v = Unnest.byTask(finishes, Finish::key).integer("try_number", Finish::tryNumber).text("state", f -> f.state().id())
                .timestamp("end_date", Finish::end).timestamp("next_retry_at", Finish::nextRetryAt);
        Field<OffsetDateTime> end = Unnest.field("end_date", TASK_INSTANCE.END_DATE.getDataType());
        return dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, Unnest.field("state", TASK_INSTANCE.STATE.getDataType()))
                .set(TASK_INSTANCE.END_DATE, end)
                .set(TASK_INSTANCE.DURATION, DSL.field("extract(epoch from ({0} - {1}))", Double.class, end, TASK_INSTANCE.START_DATE))
                .set(TASK_INSTANCE.NEXT_RETRY_AT, Unnest.field("next_retry_at", TASK_INSTANCE.NEXT_RETRY_AT.getDataType()))
                .from(v.table())
                .where(joined(), TASK_INSTANCE.STATE.eq(TaskState.RUNNING),
                        TASK_INSTANCE.TRY_NUMBER.eq(Unnest.field("try_number", TASK_INSTANCE.TRY_NUMBER.getDataType())))
                .returning(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID)
                .fetch(r -> new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()));
    }

    @Override
    public List<TaskKey> adopt(Collection<Start> tries, long schedulerId, Instant now) {
        if (tries.isEmpty()) return List.of();
        var v = Unnest.byTask(tries, Start::key).integer("try_number", Start::tryNumber);
        return dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.SCHEDULER_ID, schedulerId)
                .set(TASK_INSTANCE.HEARTBEAT_AT, odt(now))
                .from(v.table())
                .where(joined(), TASK_INSTANCE.STATE.eq(TaskState.RUNNING),
                        TASK_INSTANCE.TRY_NUMBER.eq(Unnest.field("try_number", TASK_INSTANCE.TRY_NUMBER.getDataType())))
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
        var v = Unnest.byTask(states.entrySet(), Map.Entry::getKey).text("state", e -> e.getValue().id());
        Field<TaskState> state = Unnest.field("state", TASK_INSTANCE.STATE.getDataType());
        Field<OffsetDateTime> t = DSL.val(odt(now), TASK_INSTANCE.END_DATE);
        Condition finished = state.in(TaskState.FINISHED);
        dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state)
                .set(TASK_INSTANCE.END_DATE, DSL.when(finished, t).otherwise(TASK_INSTANCE.END_DATE))
                .set(TASK_INSTANCE.START_DATE, DSL.when(finished, DSL.coalesce(TASK_INSTANCE.START_DATE, t))
                        .otherwise(TASK_INSTANCE.START_DATE))
                .from(v.table()).where(joined())
                .execute();
    }

    @Override
    public void setProcessGroups(Collection<ProcessGroup> groups) {
        if (groups.isEmpty()) return;
        var v = Unnest.byTask(groups, ProcessGroup::key).integer("try_number", ProcessGroup::tryNumber)
                .bigint("process_group", ProcessGroup::processGroup);
        dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.PROCESS_GROUP, Unnest.field("process_group", TASK_INSTANCE.PROCESS_GROUP.getDataType()))
                .from(v.table())
                .where(joined(), TASK_INSTANCE.STATE.eq(TaskState.RUNNING),
                        TASK_INSTANCE.TRY_NUMBER.eq(Unnest.field("try_number", TASK_INSTANCE.TRY_NUMBER.getDataType())))
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
                instant(r.getQueuedAt()), instant(r.getNextRetryAt()), instant(r.getHeartbeatAt()), r.getSchedulerId(), r.getProcessGroup());
    }
}
