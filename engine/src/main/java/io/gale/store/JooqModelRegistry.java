package io.gale.store;

import static io.gale.store.jooq.Tables.MODEL_VERSION;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelStage;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.core.Json;
import io.gale.store.jooq.tables.records.ModelVersionRecord;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/**
 * The model registry in table {@code model_version}. A registration takes a transaction-scoped
 * advisory lock on the model name, so concurrent registrations of one name run one after the other;
 * the partial unique index {@code model_version_one_current} backs the one-current rule.
 */
final class JooqModelRegistry implements ModelRegistry {

    private final DSLContext dsl;

    JooqModelRegistry(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public ModelVersion register(NewModelVersion v) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.fetch("select pg_advisory_xact_lock(hashtext(?))", v.name());
            Integer last = tx.select(DSL.max(MODEL_VERSION.VERSION)).from(MODEL_VERSION)
                    .where(MODEL_VERSION.NAME.eq(v.name())).fetchOne(r -> r.value1());
            Double currentScore = tx.select(MODEL_VERSION.SCORE).from(MODEL_VERSION)
                    .where(MODEL_VERSION.NAME.eq(v.name()), MODEL_VERSION.IS_CURRENT.isTrue())
                    .fetchOptional(r -> r.value1()).orElse(null);
            boolean current = currentScore == null || v.score() >= currentScore;
            if (current) {
                tx.update(MODEL_VERSION).set(MODEL_VERSION.IS_CURRENT, false)
                        .where(MODEL_VERSION.NAME.eq(v.name()), MODEL_VERSION.IS_CURRENT.isTrue()).execute();
            }
            return tx.insertInto(MODEL_VERSION)
                    .set(MODEL_VERSION.NAME, v.name())
                    .set(MODEL_VERSION.VERSION, last == null ? 1 : last + 1)
                    .set(MODEL_VERSION.SCORE, v.score())
                    .set(MODEL_VERSION.METRICS, JSONB.valueOf(Json.write(v.metrics())))
                    .set(MODEL_VERSION.ARTIFACT_URI, v.artifactUri().toString())
                    .set(MODEL_VERSION.DATA_INTERVAL_START, JooqStore.odt(v.dataIntervalStart()))
                    .set(MODEL_VERSION.DATA_INTERVAL_END, JooqStore.odt(v.dataIntervalEnd()))
                    .set(MODEL_VERSION.IS_CURRENT, current)
                    .returning().fetchOne(JooqModelRegistry::version);
        });
    }

    @Override
    public Optional<ModelVersion> current(String name) {
        return dsl.selectFrom(MODEL_VERSION).where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.IS_CURRENT.isTrue())
                .fetchOptional(JooqModelRegistry::version);
    }

    @Override
    public List<ModelVersion> versions(String name) {
        return dsl.selectFrom(MODEL_VERSION).where(MODEL_VERSION.NAME.eq(name))
                .orderBy(MODEL_VERSION.VERSION.desc()).fetch(JooqModelRegistry::version);
    }

    private static ModelVersion version(ModelVersionRecord r) {
        Map<String, Double> metrics = Json.MAPPER.convertValue(Json.read(r.getMetrics().data(), Object.class),
                new TypeReference<LinkedHashMap<String, Double>>() { });
        return new ModelVersion(r.getName(), r.getVersion(), r.getScore(), metrics, URI.create(r.getArtifactUri()),
                r.getStorageUri() == null ? null : URI.create(r.getStorageUri()),
                JooqStore.instant(r.getDataIntervalStart()), JooqStore.instant(r.getDataIntervalEnd()),
                JooqStore.instant(r.getCreatedAt()), ModelStage.of(r.getStage()), r.getIsCurrent());
    }
}
