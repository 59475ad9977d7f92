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
    public Page page(Query q) {
        org.jooq.Condition where = DAG.IS_ACTIVE.isTrue();
        if (!q.tags().isEmpty()) {
            String[] tags = q.tags().toArray(String[]::new);
            where = where.and(q.allTags() ? DSL.condition("{0} @> {1}::text[]", DAG.TAGS, DSL.val(tags))
                    : DSL.condition("{0} && {1}::text[]", DAG.TAGS, DSL.val(tags)));
        }
        if (q.idPattern() != null) {
            // LIKE anywhere in the id; a backslash is literal, as in Airflow's filter
            where = where.and(DAG.DAG_ID.likeIgnoreCase("%" + q.idPattern().replace("\\", "\\\\") + "%"));
        }
        if (q.paused() != null) {
            where = where.and(DAG.IS_PAUSED.eq(q.paused()));
        }
        List<org.jooq.SortField<?>> order = new java.util.ArrayList<>();
        for (Order o : q.order()) {
            org.jooq.Field<?> f = switch (o.column()) {
                case DAG_ID -> DAG.DAG_ID.collate("C");
                case LAST_PARSED_AT -> DAG.LAST_PARSED_AT;
                case IS_PAUSED -> DAG.IS_PAUSED;
                case FILELOC -> DAG.FILELOC.collate("C");
            };
            order.add(o.descending() ? f.desc().nullsLast() : f.asc().nullsFirst());
        }
        order.add(DAG.DAG_ID.collate("C").asc()); // ids in code-point order, as Java sorts them
        org.jooq.Field<Integer> total = DSL.count().over().as("total");
        var rows = dsl.select(DAG.asterisk(), total).from(DAG).where(where).orderBy(order)
                .limit(q.limit()).offset(q.offset()).fetch();
        List<StoredDag> dags = rows.map(r -> dag(r.into(DAG)));
        int count = rows.isEmpty() ? (q.offset() == 0 ? 0 : dsl.fetchCount(DAG, where)) : rows.get(0).get(total);
        return new Page(dags, count);
    }

    @Override
    public boolean lockForRunStarts(String dagId) {
        return dsl.select(DAG.DAG_ID).from(DAG).where(DAG.DAG_ID.eq(dagId)).forNoKeyUpdate().skipLocked().fetchOptional().isPresent();
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
