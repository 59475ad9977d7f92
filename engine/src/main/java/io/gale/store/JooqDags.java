package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.DAG;

import io.gale.store.jooq.tables.records.DagRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@link DagRepository} on PostgreSQL. */
final class JooqDags implements DagRepository {

    private final DSLContext dsl;

    JooqDags(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<StoredDag> find(String dagId) {
        return dsl.selectFrom(DAG).where(DAG.DAG_ID.eq(dagId)).fetchOptional(JooqDags::dag);
    }

    @Override
    public List<StoredDag> list() {
        return dsl.selectFrom(DAG).orderBy(DAG.DAG_ID).fetch(JooqDags::dag);
    }

    @Override
    public List<NextRun> lockDue(Instant now) {
        return dsl.selectFrom(DAG).where(DAG.IS_PAUSED.isFalse(), DAG.IS_ACTIVE.isTrue(),
                        DAG.NEXT_DAGRUN_CREATE_AFTER.le(odt(now)))
                .orderBy(DAG.NEXT_DAGRUN_CREATE_AFTER).forUpdate().skipLocked()
                .fetch(r -> new NextRun(r.getDagId(), instant(r.getNextDagrun()), instant(r.getNextDagrunDataIntervalStart()),
                        instant(r.getNextDagrunDataIntervalEnd()), instant(r.getNextDagrunCreateAfter())));
    }

    @Override
    public void setNext(String dagId, NextRun n, String signature) {
        dsl.update(DAG).set(DAG.SCHEDULE_SIGNATURE, signature)
                .set(DAG.NEXT_DAGRUN, n == null ? null : odt(n.logicalDate()))
                .set(DAG.NEXT_DAGRUN_DATA_INTERVAL_START, n == null ? null : odt(n.intervalStart()))
                .set(DAG.NEXT_DAGRUN_DATA_INTERVAL_END, n == null ? null : odt(n.intervalEnd()))
                .set(DAG.NEXT_DAGRUN_CREATE_AFTER, n == null ? null : odt(n.createAfter()))
                .where(DAG.DAG_ID.eq(dagId)).execute();
    }

    @Override
    public Map<String, String> signatures() {
        Map<String, String> m = new HashMap<>();
        dsl.select(DAG.DAG_ID, DAG.SCHEDULE_SIGNATURE).from(DAG).where(DAG.SCHEDULE_SIGNATURE.isNotNull())
                .forEach(r -> m.put(r.value1(), r.value2()));
        return m;
    }

    @Override
    public Optional<Instant> earliestCreateAfter() {
        return Optional.ofNullable(dsl.select(DSL.min(DAG.NEXT_DAGRUN_CREATE_AFTER)).from(DAG)
                .where(DAG.IS_PAUSED.isFalse(), DAG.IS_ACTIVE.isTrue()).fetchOne(r -> instant(r.value1())));
    }

    @Override
    public boolean setPaused(String dagId, boolean paused) {
        return dsl.update(DAG).set(DAG.IS_PAUSED, paused).where(DAG.DAG_ID.eq(dagId)).execute() == 1;
    }

    private static StoredDag dag(DagRecord r) {
        return new StoredDag(r.getDagId(), r.getIsPaused(), r.getIsActive(), r.getDescription(), r.getSchedule(),
                r.getTimezone(), Arrays.asList(r.getTags()), r.getFileloc(), r.getMaxActiveRuns(),
                r.getMaxActiveTasks(), instant(r.getLastParsedAt()));
    }
}
