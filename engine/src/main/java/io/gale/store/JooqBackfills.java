package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.BACKFILL;
import static io.gale.store.jooq.Tables.DAG_RUN;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.core.BackfillState;
import io.gale.core.DagRunState;
import io.gale.core.Json;
import io.gale.store.jooq.tables.records.BackfillRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/** {@link BackfillRepository} on PostgreSQL. */
final class JooqBackfills implements BackfillRepository {

    private final DSLContext dsl;

    JooqBackfills(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public long create(Backfill b) {
        return dsl.insertInto(BACKFILL).set(BACKFILL.DAG_ID, b.dagId()).set(BACKFILL.FROM_DATE, odt(b.fromDate()))
                .set(BACKFILL.TO_DATE, odt(b.toDate())).set(BACKFILL.RUN_BACKWARDS, b.runBackwards())
                .set(BACKFILL.RESET_DAGRUNS, b.resetDagruns()).set(BACKFILL.RERUN_FAILED_TASKS, b.rerunFailedTasks())
                .set(BACKFILL.MAX_ACTIVE_RUNS, b.maxActiveRuns()).set(BACKFILL.CONF, JSONB.valueOf(Json.write(b.conf())))
                .set(BACKFILL.TOTAL_RUNS, b.totalRuns()).returning(BACKFILL.ID).fetchOne().getId();
    }

    @Override
    public Optional<Backfill> find(long id) {
        return dsl.selectFrom(BACKFILL).where(BACKFILL.ID.eq(id)).fetchOptional(JooqBackfills::backfill);
    }

    @Override
    public Optional<Backfill> latestRunning(String dagId) {
        return dsl.selectFrom(BACKFILL).where(BACKFILL.DAG_ID.eq(dagId), BACKFILL.STATE.eq(BackfillState.RUNNING))
                .orderBy(BACKFILL.ID.desc()).limit(1).fetchOptional(JooqBackfills::backfill);
    }

    @Override
    public List<Backfill> running() {
        return dsl.selectFrom(BACKFILL).where(BACKFILL.STATE.eq(BackfillState.RUNNING)).orderBy(BACKFILL.ID)
                .fetch(JooqBackfills::backfill);
    }

    @Override
    public boolean setPaused(long id, boolean paused) {
        return dsl.update(BACKFILL).set(BACKFILL.IS_PAUSED, paused).where(BACKFILL.ID.eq(id)).execute() == 1;
    }

    @Override
    public java.util.Set<Long> pausedIds() {
        return new java.util.HashSet<>(dsl.select(BACKFILL.ID).from(BACKFILL).where(BACKFILL.IS_PAUSED).fetch(r -> r.value1()));
    }

    @Override
    public List<Backfill> list(String dagId) {
        return dsl.selectFrom(BACKFILL).where(dagId == null ? DSL.noCondition() : BACKFILL.DAG_ID.eq(dagId))
                .orderBy(BACKFILL.ID).fetch(JooqBackfills::backfill);
    }

    @Override
    public Progress progress(long id) {
        Map<DagRunState, Integer> by = dsl.select(DAG_RUN.STATE, DSL.count()).from(DAG_RUN).where(DAG_RUN.BACKFILL_ID.eq(id))
                .groupBy(DAG_RUN.STATE).fetchMap(r -> r.value1(), r -> r.value2());
        int total = by.values().stream().mapToInt(Integer::intValue).sum();
        return new Progress(total, by.getOrDefault(DagRunState.SUCCESS, 0), by.getOrDefault(DagRunState.FAILED, 0),
                by.getOrDefault(DagRunState.RUNNING, 0), by.getOrDefault(DagRunState.QUEUED, 0));
    }

    @Override
    public boolean hasActiveRuns(long id) {
        // two lookups, each on a partial index, instead of counting every run of the backfill
        return dsl.fetchExists(DAG_RUN, DAG_RUN.BACKFILL_ID.eq(id), DAG_RUN.STATE.eq(DagRunState.QUEUED))
                || dsl.fetchExists(DAG_RUN, DAG_RUN.BACKFILL_ID.eq(id), DAG_RUN.STATE.eq(DagRunState.RUNNING));
    }

    @Override
    public void setState(long id, BackfillState state, Instant now) {
        dsl.update(BACKFILL).set(BACKFILL.STATE, state)
                .set(BACKFILL.COMPLETED_AT, state == BackfillState.RUNNING ? null : odt(now))
                .where(BACKFILL.ID.eq(id)).execute();
    }

    private static Backfill backfill(BackfillRecord r) {
        Map<String, Object> conf = Json.MAPPER.convertValue(Json.read(r.getConf().data(), Object.class),
                new TypeReference<LinkedHashMap<String, Object>>() { });
        return new Backfill(r.getId(), r.getDagId(), instant(r.getFromDate()), instant(r.getToDate()),
                r.getRunBackwards(), r.getResetDagruns(), r.getRerunFailedTasks(), r.getMaxActiveRuns(), conf, r.getState(),
                r.getTotalRuns(), instant(r.getCreatedAt()), instant(r.getCompletedAt()));
    }
}
