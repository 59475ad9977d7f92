package io.gale.store;

import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.DAG;
import static io.gale.store.jooq.Tables.DAG_BUNDLE;
import static io.gale.store.jooq.Tables.IMPORT_ERROR;
import static io.gale.store.jooq.Tables.SERIALIZED_DAG;

import io.gale.core.SerializedDag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/** {@link SerializedDagRepository} on PostgreSQL. */
final class JooqSerializedDags implements SerializedDagRepository {

    private final DSLContext dsl;

    JooqSerializedDags(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public List<String> syncBundle(String bundle, Collection<SerializedDag> dags, Map<String, String> importErrors,
                                   boolean pausedAtCreation, Instant now) {
        var at = odt(now);
        Map<String, String> hashes = dsl.select(DAG.DAG_ID, DAG.DAG_HASH).from(DAG).fetchMap(DAG.DAG_ID, DAG.DAG_HASH);
        Map<String, Boolean> active = dsl.select(DAG.DAG_ID, DAG.IS_ACTIVE).from(DAG).fetchMap(DAG.DAG_ID, DAG.IS_ACTIVE);
        List<String> changed = new ArrayList<>();
        var queries = new ArrayList<org.jooq.Query>();
        for (SerializedDag d : dags) {
            String hash = d.hash();
            String[] tags = d.tags().toArray(String[]::new);
            queries.add(dsl.insertInto(DAG)
                    .set(DAG.DAG_ID, d.dagId()).set(DAG.IS_PAUSED, pausedAtCreation).set(DAG.IS_ACTIVE, true)
                    .set(DAG.DESCRIPTION, d.description()).set(DAG.SCHEDULE, d.scheduleText())
                    .set(DAG.TIMEZONE, d.timezone()).set(DAG.TAGS, tags).set(DAG.FILELOC, d.fileloc())
                    .set(DAG.MAX_ACTIVE_RUNS, d.maxActiveRuns()).set(DAG.MAX_ACTIVE_TASKS, d.maxActiveTasks())
                    .set(DAG.LAST_PARSED_AT, at).set(DAG.BUNDLE, bundle).set(DAG.DAG_HASH, hash)
                    .onConflict(DAG.DAG_ID).doUpdate()
                    .set(DAG.IS_ACTIVE, true).set(DAG.DESCRIPTION, d.description()).set(DAG.SCHEDULE, d.scheduleText())
                    .set(DAG.TIMEZONE, d.timezone()).set(DAG.TAGS, tags).set(DAG.FILELOC, d.fileloc())
                    .set(DAG.MAX_ACTIVE_RUNS, d.maxActiveRuns()).set(DAG.MAX_ACTIVE_TASKS, d.maxActiveTasks())
                    .set(DAG.LAST_PARSED_AT, at).set(DAG.BUNDLE, bundle).set(DAG.DAG_HASH, hash));
            queries.add(dsl.insertInto(SERIALIZED_DAG)
                    .set(SERIALIZED_DAG.DAG_ID, d.dagId()).set(SERIALIZED_DAG.DAG_HASH, hash)
                    .set(SERIALIZED_DAG.DATA, JSONB.valueOf(d.toJson())).set(SERIALIZED_DAG.CREATED_AT, at)
                    .onConflictDoNothing());
            if (!hash.equals(hashes.get(d.dagId())) || !Boolean.TRUE.equals(active.get(d.dagId()))) {
                changed.add(d.dagId());
            }
        }
        if (!queries.isEmpty()) {
            dsl.batch(queries).execute();
        }
        List<String> keep = dags.stream().map(SerializedDag::dagId).toList();
        int deactivated = dsl.update(DAG).set(DAG.IS_ACTIVE, false)
                .where(DAG.BUNDLE.eq(bundle), DAG.IS_ACTIVE.isTrue(), keep.isEmpty() ? DSL.trueCondition() : DAG.DAG_ID.notIn(keep))
                .execute();
        Map<String, String> oldErrors = dsl.select(IMPORT_ERROR.FILENAME, IMPORT_ERROR.MESSAGE).from(IMPORT_ERROR)
                .where(IMPORT_ERROR.BUNDLE.eq(bundle)).fetchMap(IMPORT_ERROR.FILENAME, IMPORT_ERROR.MESSAGE);
        boolean errorsChanged = !oldErrors.equals(importErrors);
        if (errorsChanged) {
            dsl.deleteFrom(IMPORT_ERROR).where(IMPORT_ERROR.BUNDLE.eq(bundle).or(IMPORT_ERROR.FILENAME.in(importErrors.keySet())))
                    .execute();
            var inserts = importErrors.entrySet().stream().map(e -> dsl.insertInto(IMPORT_ERROR)
                    .set(IMPORT_ERROR.FILENAME, e.getKey()).set(IMPORT_ERROR.MESSAGE, e.getValue())
                    .set(IMPORT_ERROR.BUNDLE, bundle).set(IMPORT_ERROR.TIMESTAMP, at)).toList();
            if (!inserts.isEmpty()) {
                dsl.batch(inserts).execute();
            }
        }
        boolean bump = !changed.isEmpty() || deactivated > 0 || errorsChanged;
        dsl.insertInto(DAG_BUNDLE).set(DAG_BUNDLE.NAME, bundle).set(DAG_BUNDLE.LAST_PROCESSED_AT, at).set(DAG_BUNDLE.VERSION, bump ? 1L : 0L)
                .onConflict(DAG_BUNDLE.NAME).doUpdate().set(DAG_BUNDLE.LAST_PROCESSED_AT, at)
                .set(DAG_BUNDLE.VERSION, bump ? DAG_BUNDLE.VERSION.plus(1) : DAG_BUNDLE.VERSION)
                .execute();
        return changed;
    }

    @Override
    public Optional<SerializedDag> find(String dagId) {
        return dsl.select(SERIALIZED_DAG.DATA).from(DAG)
                .join(SERIALIZED_DAG).on(SERIALIZED_DAG.DAG_ID.eq(DAG.DAG_ID), SERIALIZED_DAG.DAG_HASH.eq(DAG.DAG_HASH))
                .where(DAG.DAG_ID.eq(dagId), DAG.IS_ACTIVE.isTrue())
                .fetchOptional(r -> SerializedDag.fromJson(r.value1().data()));
    }

    @Override
    public List<SerializedDag> active() {
        return dsl.select(SERIALIZED_DAG.DATA).from(DAG)
                .join(SERIALIZED_DAG).on(SERIALIZED_DAG.DAG_ID.eq(DAG.DAG_ID), SERIALIZED_DAG.DAG_HASH.eq(DAG.DAG_HASH))
                .where(DAG.IS_ACTIVE.isTrue()).orderBy(DAG.DAG_ID)
                .fetch(r -> SerializedDag.fromJson(r.value1().data()));
    }

    @Override
    public Map<String, Integer> taskCounts() {
        var count = DSL.field("jsonb_array_length({0} -> 'tasks')", Integer.class, SERIALIZED_DAG.DATA);
        return dsl.select(DAG.DAG_ID, count).from(DAG)
                .join(SERIALIZED_DAG).on(SERIALIZED_DAG.DAG_ID.eq(DAG.DAG_ID), SERIALIZED_DAG.DAG_HASH.eq(DAG.DAG_HASH))
                .where(DAG.IS_ACTIVE.isTrue())
                .fetchMap(DAG.DAG_ID, count);
    }

    @Override
    public Optional<Instant> processedAt(String bundle) {
        return dsl.select(DAG_BUNDLE.LAST_PROCESSED_AT).from(DAG_BUNDLE).where(DAG_BUNDLE.NAME.eq(bundle))
                .fetchOptional(r -> JooqStore.instant(r.value1()));
    }

    @Override
    public long version() {
        return dsl.select(DSL.coalesce(DSL.sum(DAG_BUNDLE.VERSION), java.math.BigDecimal.ZERO)).from(DAG_BUNDLE)
                .fetchOne(r -> r.value1().longValue());
    }
}
