package io.gale.store;

import static io.gale.store.jooq.Tables.MODEL_VERSION;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.ModelNotFoundException;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelRegistryException;
import io.gale.api.ModelStage;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
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
 * The model registry in table {@code model_version}. Every change takes a transaction-scoped
 * advisory lock on the model name, so changes to one name run one after the other; the partial
 * unique index {@code model_version_one_production} backs the one-production rule.
 */
final class JooqModelRegistry implements ModelRegistry {

    private final DSLContext dsl;

    JooqModelRegistry(DSLContext dsl) {
        this.dsl = dsl;
    }

    private static void lock(DSLContext tx, String name) {
        tx.fetch("select pg_advisory_xact_lock(hashtext(?))", name);
    }

    @Override
    public Registration register(NewModelVersion v, PromotionPolicy policy) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lock(tx, v.name());
            Integer last = tx.select(DSL.max(MODEL_VERSION.VERSION)).from(MODEL_VERSION)
                    .where(MODEL_VERSION.NAME.eq(v.name())).fetchOne(r -> r.value1());
            Optional<ModelVersion> production = production(tx, v.name());
            PromotionPolicy.Decision decision = policy.decide(v.score(), production);
            if (decision.promote()) {
                archiveProduction(tx, v.name());
            }
            ModelVersion inserted = tx.insertInto(MODEL_VERSION)
                    .set(MODEL_VERSION.NAME, v.name())
                    .set(MODEL_VERSION.VERSION, last == null ? 1 : last + 1)
                    .set(MODEL_VERSION.SCORE, v.score())
                    .set(MODEL_VERSION.METRICS, JSONB.valueOf(Json.write(v.metrics())))
                    .set(MODEL_VERSION.PARAMS, JSONB.valueOf(Json.write(v.params())))
                    .set(MODEL_VERSION.ARTIFACT_URI, v.artifactUri().toString())
                    .set(MODEL_VERSION.SHA256, v.sha256())
                    .set(MODEL_VERSION.DATA_INTERVAL_START, JooqStore.odt(v.dataIntervalStart()))
                    .set(MODEL_VERSION.DATA_INTERVAL_END, JooqStore.odt(v.dataIntervalEnd()))
                    .set(MODEL_VERSION.DAG_ID, v.dagId())
                    .set(MODEL_VERSION.RUN_ID, v.runId())
                    .set(MODEL_VERSION.STAGE, (decision.promote() ? ModelStage.PRODUCTION : ModelStage.NONE).id())
                    .set(MODEL_VERSION.PROMOTED_AT, decision.promote() ? DSL.currentOffsetDateTime() : DSL.val((java.time.OffsetDateTime) null))
                    .returning().fetchOne(JooqModelRegistry::version);
            return new Registration(inserted, decision.promote(), decision.reason());
        });
    }

    private static void archiveProduction(DSLContext tx, String name) {
        tx.update(MODEL_VERSION).set(MODEL_VERSION.STAGE, ModelStage.ARCHIVED.id())
                .where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.STAGE.eq(ModelStage.PRODUCTION.id())).execute();
    }

    private static Optional<ModelVersion> production(DSLContext ctx, String name) {
        return ctx.selectFrom(MODEL_VERSION)
                .where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.STAGE.eq(ModelStage.PRODUCTION.id()))
                .fetchOptional(JooqModelRegistry::version);
    }

    private static Optional<ModelVersion> version(DSLContext ctx, String name, int version) {
        return ctx.selectFrom(MODEL_VERSION).where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.VERSION.eq(version))
                .fetchOptional(JooqModelRegistry::version);
    }

    private static ModelVersion existing(DSLContext ctx, String name, int version) {
        return version(ctx, name, version).orElseThrow(() -> {
            List<Integer> known = ctx.select(MODEL_VERSION.VERSION).from(MODEL_VERSION)
                    .where(MODEL_VERSION.NAME.eq(name)).orderBy(MODEL_VERSION.VERSION).fetch(r -> r.value1());
            return known.isEmpty()
                    ? new ModelNotFoundException("model '" + name + "' is not registered: 'gale models list' shows the models")
                    : new ModelNotFoundException("model '" + name + "' has no version " + version + " (versions "
                            + known.get(0) + ".." + known.get(known.size() - 1) + "): 'gale models list " + name + "' shows them");
        });
    }

    @Override
    public Optional<ModelVersion> production(String name) {
        return production(dsl, name);
    }

    @Override
    public Optional<ModelVersion> version(String name, int version) {
        return version(dsl, name, version);
    }

    @Override
    public List<ModelVersion> versions(String name) {
        return dsl.selectFrom(MODEL_VERSION).where(MODEL_VERSION.NAME.eq(name))
                .orderBy(MODEL_VERSION.VERSION.desc()).fetch(JooqModelRegistry::version);
    }

    @Override
    public List<String> names() {
        return dsl.selectDistinct(MODEL_VERSION.NAME).from(MODEL_VERSION).orderBy(MODEL_VERSION.NAME).fetch(r -> r.value1());
    }

    @Override
    public ModelVersion promote(String name, int version) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lock(tx, name);
            ModelVersion v = existing(tx, name, version);
            if (v.current()) {
                return v;
            }
            archiveProduction(tx, name);
            tx.update(MODEL_VERSION).set(MODEL_VERSION.STAGE, ModelStage.PRODUCTION.id())
                    .set(MODEL_VERSION.PROMOTED_AT, DSL.currentOffsetDateTime())
                    .setNull(MODEL_VERSION.ROLLED_BACK_AT)
                    .where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.VERSION.eq(version)).execute();
            return existing(tx, name, version);
        });
    }

    @Override
    public ModelVersion rollback(String name) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lock(tx, name);
            if (tx.fetchCount(MODEL_VERSION, MODEL_VERSION.NAME.eq(name)) == 0) {
                throw new ModelNotFoundException("model '" + name + "' is not registered: 'gale models list' shows the models");
            }
            ModelVersion current = production(tx, name).orElseThrow(() -> new ModelRegistryException(
                    "model '" + name + "' has no production version to roll back: promote one with 'gale models promote'"));
            ModelVersion previous = tx.selectFrom(MODEL_VERSION)
                    .where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.STAGE.eq(ModelStage.ARCHIVED.id()),
                            MODEL_VERSION.ROLLED_BACK_AT.isNull(), MODEL_VERSION.PROMOTED_AT.isNotNull(),
                            MODEL_VERSION.PROMOTED_AT.lt(JooqStore.odt(current.promotedAt())))
                    .orderBy(MODEL_VERSION.PROMOTED_AT.desc(), MODEL_VERSION.VERSION.desc()).limit(1)
                    .fetchOptional(JooqModelRegistry::version)
                    .orElseThrow(() -> new ModelRegistryException("model '" + name + "': no version was production before version "
                            + current.version() + ", so there is nothing to roll back to (promote one with 'gale models promote')"));
            tx.update(MODEL_VERSION).set(MODEL_VERSION.STAGE, ModelStage.ARCHIVED.id())
                    .set(MODEL_VERSION.ROLLED_BACK_AT, DSL.currentOffsetDateTime())
                    .where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.VERSION.eq(current.version())).execute();
            tx.update(MODEL_VERSION).set(MODEL_VERSION.STAGE, ModelStage.PRODUCTION.id())
                    .where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.VERSION.eq(previous.version())).execute();
            return existing(tx, name, previous.version());
        });
    }

    @Override
    public void delete(String name, int version) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lock(tx, name);
            ModelVersion v = existing(tx, name, version);
            if (v.current()) {
                throw new ModelRegistryException("model '" + name + "' version " + version
                        + " is in production and cannot be deleted: promote another version or roll back first");
            }
            tx.deleteFrom(MODEL_VERSION).where(MODEL_VERSION.NAME.eq(name), MODEL_VERSION.VERSION.eq(version)).execute();
        });
    }

    private static ModelVersion version(ModelVersionRecord r) {
        Map<String, Double> metrics = Json.MAPPER.convertValue(Json.read(r.getMetrics().data(), Object.class),
                new TypeReference<LinkedHashMap<String, Double>>() { });
        Map<String, Object> params = Json.MAPPER.convertValue(Json.read(r.getParams().data(), Object.class),
                new TypeReference<LinkedHashMap<String, Object>>() { });
        return new ModelVersion(r.getName(), r.getVersion(), ModelStage.of(r.getStage()), r.getScore(), metrics, params,
                URI.create(r.getArtifactUri()), r.getStorageUri() == null ? null : URI.create(r.getStorageUri()),
                r.getSha256(), JooqStore.instant(r.getDataIntervalStart()), JooqStore.instant(r.getDataIntervalEnd()),
                r.getDagId(), r.getRunId(), JooqStore.instant(r.getCreatedAt()), JooqStore.instant(r.getPromotedAt()),
                JooqStore.instant(r.getRolledBackAt()));
    }
}
