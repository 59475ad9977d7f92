package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.DAG;
import static io.gale.store.jooq.Tables.DAG_RUN;
import static io.gale.store.jooq.Tables.TASK_INSTANCE;
import static io.gale.store.jooq.Tables.TASK_LOG;
import static io.gale.store.jooq.Tables.XCOM;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.core.ConflictException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.Json;
import io.gale.core.RunGroup;
import io.gale.core.RunKey;
import io.gale.core.RunType;
import io.gale.store.jooq.tables.records.DagRunRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertSetMoreStep;
import org.jooq.JSONB;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/** {@link DagRunRepository} on PostgreSQL. */
final class JooqDagRuns implements DagRunRepository {

    private final DSLContext dsl;

    JooqDagRuns(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public DagRun create(NewDagRun r) {
        try {
            return insert(r).returning().fetchOne(JooqDagRuns::run);
        } catch (IntegrityConstraintViolationException e) {
            throw new ConflictException("DAG '" + r.dagId() + "' already has a run with run id '" + r.runId()
                    + "' or logical date " + r.logicalDate() + ": choose another with -r RUN_ID or -e LOGICAL_DATE");
        }
    }

    @Override
    public Optional<DagRun> find(String dagId, String runId) {
        return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId))
                .fetchOptional(JooqDagRuns::run);
    }

    @Override
    public Optional<DagRun> findByLogicalDate(String dagId, Instant logicalDate) {
        return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.LOGICAL_DATE.eq(odt(logicalDate)))
                .fetchOptional(JooqDagRuns::run);
    }

    @Override
    public boolean delete(String dagId, String runId) {
        // task instances, logs and XComs have no foreign key to their run (V18, V19: it cost a row lock per
        // row written); their callbacks cascade from the task instances. The run goes first: that waits for a
        // scheduler holding it, so the statements after it also see the task instances that scheduler created
        boolean deleted = dsl.deleteFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId)).execute() == 1;
        dsl.deleteFrom(TASK_INSTANCE).where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(runId)).execute();
        dsl.deleteFrom(TASK_LOG).where(TASK_LOG.DAG_ID.eq(dagId), TASK_LOG.RUN_ID.eq(runId)).execute();
        dsl.deleteFrom(XCOM).where(XCOM.DAG_ID.eq(dagId), XCOM.RUN_ID.eq(runId)).execute();
        return deleted;
    }

    @Override
    public List<DagRun> list(String dagId) {
        return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId))
                .orderBy(DAG_RUN.LOGICAL_DATE.desc()).fetch(JooqDagRuns::run);
    }

    @Override
    public Map<String, List<DagRun>> latest(Collection<String> dagIds, int perDag) {
        if (dagIds.isEmpty() || perDag < 1) {
            return Map.of();
        }
        var rank = DSL.rowNumber().over(DSL.partitionBy(DAG_RUN.DAG_ID).orderBy(DAG_RUN.LOGICAL_DATE.desc())).as("rank");
        var ranked = dsl.select(DAG_RUN.asterisk(), rank).from(DAG_RUN)
                .where(DAG_RUN.DAG_ID.eq(DSL.any(dagIds.toArray(String[]::new)))).asTable("ranked");
        Map<String, List<DagRun>> out = new java.util.LinkedHashMap<>();
        dsl.select(ranked.fields(DAG_RUN.fields())).from(ranked)
                .where(ranked.field("rank", Integer.class).le(perDag))
                .orderBy(ranked.field(DAG_RUN.DAG_ID), ranked.field(DAG_RUN.LOGICAL_DATE).desc())
                .fetch()
                .forEach(r -> {
                    DagRun run = run(r.into(DAG_RUN));
                    out.computeIfAbsent(run.dagId(), k -> new java.util.ArrayList<>()).add(run);
                });
        return out;
    }

    private static Condition scoped(Scope scope) {
        Condition c = DSL.trueCondition();
        if (scope.dagId() != null) c = c.and(DAG_RUN.DAG_ID.eq(scope.dagId()));
        if (scope.runId() != null) c = c.and(DAG_RUN.RUN_ID.eq(scope.runId()));
        if (scope.backfillId() != null) c = c.and(DAG_RUN.BACKFILL_ID.eq(scope.backfillId()));
        if (!scope.includePaused()) {
            // a paused DAG starts nothing, except the runs of a backfill someone asked for
            c = c.and(DAG_RUN.BACKFILL_ID.isNotNull()
                    .or(DAG_RUN.DAG_ID.in(DSL.select(DAG.DAG_ID).from(DAG).where(DAG.IS_PAUSED.isFalse()))));
        }
        return c;
    }

    @Override
    public List<DagRun> lockRunning(Scope scope, Collection<RunKey> only) {
        Condition c = scoped(scope).and(DAG_RUN.STATE.eq(DagRunState.RUNNING));
        if (only != null) {
            if (only.isEmpty()) return List.of();
            c = c.and(Unnest.inRuns(DAG_RUN.DAG_ID, DAG_RUN.RUN_ID, only));
        }
        return dsl.selectFrom(DAG_RUN).where(c).orderBy(DAG_RUN.ID).forUpdate().skipLocked().fetch(JooqDagRuns::run);
    }

    @Override
    public List<ActiveGroup> activeGroups(Scope scope) {
        Field<Integer> running = DSL.count().filterWhere(DAG_RUN.STATE.eq(DagRunState.RUNNING));
        Field<Integer> queued = DSL.count().filterWhere(DAG_RUN.STATE.eq(DagRunState.QUEUED).and(scoped(scope)));
        return dsl.select(DAG_RUN.DAG_ID, DAG_RUN.BACKFILL_ID, running, queued).from(DAG_RUN)
                .where(DAG_RUN.STATE.in(DagRunState.QUEUED, DagRunState.RUNNING))
                .groupBy(DAG_RUN.DAG_ID, DAG_RUN.BACKFILL_ID)
                .fetch(r -> new ActiveGroup(new RunGroup(r.value1(), r.value2()), r.value3(), r.value4()));
    }

    @Override
    public List<DagRun> lockQueued(Scope scope, String dagId, Long backfillId, int limit) {
        return dsl.selectFrom(DAG_RUN).where(scoped(scope)).and(DAG_RUN.STATE.eq(DagRunState.QUEUED))
                .and(DAG_RUN.DAG_ID.eq(dagId))
                .and(backfillId == null ? DAG_RUN.BACKFILL_ID.isNull() : DAG_RUN.BACKFILL_ID.eq(backfillId))
                .orderBy(DAG_RUN.ID).limit(limit).forUpdate().skipLocked().fetch(JooqDagRuns::run);
    }

    @Override
    public int countRunning(io.gale.core.RunGroup group) {
        return dsl.fetchCount(DAG_RUN, DAG_RUN.DAG_ID.eq(group.dagId()), DAG_RUN.STATE.eq(DagRunState.RUNNING),
                group.backfillId() == null ? DAG_RUN.BACKFILL_ID.isNull() : DAG_RUN.BACKFILL_ID.eq(group.backfillId()));
    }

    @Override
    public int countActive(String dagId) {
        return dsl.fetchCount(DAG_RUN, DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.STATE.in(DagRunState.QUEUED, DagRunState.RUNNING),
                DAG_RUN.BACKFILL_ID.isNull());
    }

    @Override
    public Map<DagRunState, Integer> countByState() {
        return dsl.select(DAG_RUN.STATE, DSL.count()).from(DAG_RUN).groupBy(DAG_RUN.STATE)
                .fetchMap(r -> r.value1(), r -> r.value2());
    }

    private InsertSetMoreStep<DagRunRecord> insert(NewDagRun r) {
        return dsl.insertInto(DAG_RUN)
                .set(DAG_RUN.DAG_ID, r.dagId()).set(DAG_RUN.RUN_ID, r.runId())
                .set(DAG_RUN.RUN_TYPE, r.runType()).set(DAG_RUN.LOGICAL_DATE, odt(r.logicalDate()))
                .set(DAG_RUN.DATA_INTERVAL_START, odt(r.dataIntervalStart()))
                .set(DAG_RUN.DATA_INTERVAL_END, odt(r.dataIntervalEnd()))
                .set(DAG_RUN.STATE, r.state())
                .set(DAG_RUN.CONF, JSONB.valueOf(Json.write(r.conf())))
                .set(DAG_RUN.BACKFILL_ID, r.backfillId());
    }

    @Override
    public Optional<DagRun> createIfAbsent(NewDagRun r) {
        return insert(r).onConflictDoNothing().returning().fetchOptional().map(JooqDagRuns::run);
    }

    @Override
    public int createAll(List<NewDagRun> runs) {
        int created = 0;
        for (int i = 0; i < runs.size(); i += 1000) { // one statement (an array per column) per 1,000 runs
            var v = Unnest.of(runs.subList(i, Math.min(runs.size(), i + 1000)))
                    .text("dag_id", NewDagRun::dagId).text("run_id", NewDagRun::runId).text("run_type", r -> r.runType().id())
                    .timestamp("logical_date", NewDagRun::logicalDate).timestamp("data_interval_start", NewDagRun::dataIntervalStart)
                    .timestamp("data_interval_end", NewDagRun::dataIntervalEnd).text("state", r -> r.state().id())
                    .text("conf", r -> Json.write(r.conf())).bigint("backfill_id", NewDagRun::backfillId);
            created += dsl.insertInto(DAG_RUN, DAG_RUN.DAG_ID, DAG_RUN.RUN_ID, DAG_RUN.RUN_TYPE, DAG_RUN.LOGICAL_DATE,
                            DAG_RUN.DATA_INTERVAL_START, DAG_RUN.DATA_INTERVAL_END, DAG_RUN.STATE, DAG_RUN.CONF, DAG_RUN.BACKFILL_ID)
                    .select(DSL.select(column(DAG_RUN.DAG_ID), column(DAG_RUN.RUN_ID), column(DAG_RUN.RUN_TYPE),
                            column(DAG_RUN.LOGICAL_DATE), column(DAG_RUN.DATA_INTERVAL_START), column(DAG_RUN.DATA_INTERVAL_END),
                            column(DAG_RUN.STATE), DSL.field("cast({0} as jsonb)", DAG_RUN.CONF.getDataType(),
                                    Unnest.field("conf", org.jooq.impl.SQLDataType.CLOB)),
                            column(DAG_RUN.BACKFILL_ID)).from(v.table()))
                    .onConflictDoNothing().execute();
        }
        return created;
    }

    /** The unnested column named and typed as {@code target}. */
    private static <V> Field<V> column(Field<V> target) {
        return Unnest.field(target.getName(), target.getDataType());
    }

    @Override
    public Optional<DagRun> latestScheduled(String dagId) {
        return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_TYPE.eq(RunType.SCHEDULED))
                .orderBy(DAG_RUN.DATA_INTERVAL_END.desc()).limit(1).fetchOptional(JooqDagRuns::run);
    }

    @Override
    public List<DagRun> between(String dagId, Instant from, Instant to) {
        return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId),
                DAG_RUN.LOGICAL_DATE.between(odt(from), odt(to))).orderBy(DAG_RUN.LOGICAL_DATE).fetch(JooqDagRuns::run);
    }

    @Override
    public List<DagRun> ofBackfill(long backfillId) {
        return dsl.selectFrom(DAG_RUN).where(DAG_RUN.BACKFILL_ID.eq(backfillId)).orderBy(DAG_RUN.ID).fetch(JooqDagRuns::run);
    }

    @Override
    public void attachToBackfill(Collection<String> runIds, String dagId, long backfillId) {
        dsl.update(DAG_RUN).set(DAG_RUN.BACKFILL_ID, backfillId)
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.in(runIds)).execute();
    }

    /**
     * One statement for all runs ({@code update ... from (values ...)}), rows in key order. As
     * Airflow's DagRun.set_state and clear: a run going back to queued gets a new queued_at and
     * loses its start and end date (a run already queued keeps its queued_at); any other state keeps the first start date (or takes now);
     * a finished state sets the end date, an unfinished one clears it.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void setStates(Map<RunKey, DagRunState> states, Instant now) {
        if (states.isEmpty()) return;
        var v = Unnest.byRun(states.entrySet(), Map.Entry::getKey).text("state", e -> e.getValue().id());
        Field<DagRunState> state = Unnest.field("state", DAG_RUN.STATE.getDataType());
        Field<OffsetDateTime> t = DSL.val(odt(now), DAG_RUN.START_DATE);
        Condition queued = state.eq(DagRunState.QUEUED);
        dsl.update(DAG_RUN)
                .set(DAG_RUN.STATE, state)
                .set(DAG_RUN.QUEUED_AT, DSL.when(queued.and(DAG_RUN.STATE.ne(DagRunState.QUEUED)), t).otherwise(DAG_RUN.QUEUED_AT))
                .set(DAG_RUN.START_DATE, DSL.when(queued, DSL.castNull(DAG_RUN.START_DATE)).otherwise(DSL.coalesce(DAG_RUN.START_DATE, t)))
                .set(DAG_RUN.END_DATE, DSL.when(state.in(DagRunState.SUCCESS, DagRunState.FAILED), t)
                        .otherwise(DSL.castNull(DAG_RUN.END_DATE)))
                .from(v.table())
                .where(DAG_RUN.DAG_ID.eq(Unnest.field("dag_id", DAG_RUN.DAG_ID.getDataType())),
                        DAG_RUN.RUN_ID.eq(Unnest.field("run_id", DAG_RUN.RUN_ID.getDataType())))
                .execute();
    }

    @Override
    public void setState(String dagId, String runId, DagRunState state, Instant now) {
        setStates(Map.of(new RunKey(dagId, runId), state), now);
    }

    private static DagRun run(DagRunRecord r) {
        Map<String, Object> conf = r.getConf() == null || r.getConf().data().equals("{}") ? Map.of()
                : Json.MAPPER.convertValue(Json.read(r.getConf().data(), Object.class), new TypeReference<LinkedHashMap<String, Object>>() { });
        return new DagRun(r.getId(), r.getDagId(), r.getRunId(), r.getRunType(), instant(r.getLogicalDate()),
                instant(r.getDataIntervalStart()), instant(r.getDataIntervalEnd()), r.getState(), conf,
                instant(r.getQueuedAt()), instant(r.getStartDate()), instant(r.getEndDate()), r.getBackfillId());
    }
}
