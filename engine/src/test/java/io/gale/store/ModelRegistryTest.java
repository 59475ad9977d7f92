package io.gale.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.ModelNotFoundException;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelRegistryException;
import io.gale.api.ModelStage;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.testing.TestDatabase;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    private static Database db;
    private static ModelRegistry models;

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh();
        models = new JooqStore(db).models();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static NewModelVersion model(String name, double score) {
        Instant start = Instant.parse("2022-06-02T13:30:00Z");
        return new NewModelVersion(name, score, Map.of("ndcg100", score, "recall50", 0.5),
                URI.create("file:///tmp/" + name + "_" + score + ".safetensors"), start, start.plusSeconds(3600));
    }

    @Test
    void higherOrEqualScoreBecomesCurrentLowerDoesNotAndATieGoesToTheNewer() {
        ModelVersion v1 = models.register(model("rule", 0.40));
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.current()).isTrue();
        assertThat(v1.stage()).isEqualTo(ModelStage.PRODUCTION);
        assertThat(v1.promotedAt()).isNotNull();
        assertThat(v1.metrics()).containsEntry("ndcg100", 0.40);
        assertThat(v1.dataIntervalEnd()).isEqualTo(Instant.parse("2022-06-02T14:30:00Z"));
        assertThat(v1.createdAt()).isNotNull();

        ModelVersion v2 = models.register(model("rule", 0.42));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.current()).isTrue();

        ModelVersion v3 = models.register(model("rule", 0.41));
        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.current()).isFalse();
        assertThat(models.current("rule")).map(ModelVersion::version).contains(2);

        ModelVersion v4 = models.register(model("rule", 0.42));
        assertThat(v4.current()).isTrue();
        assertThat(models.current("rule")).map(ModelVersion::version).contains(4);
        assertThat(models.versions("rule")).extracting(ModelVersion::version).containsExactly(4, 3, 2, 1);
        assertThat(models.versions("rule")).filteredOn(ModelVersion::current).hasSize(1);
        // promoted ones that lost production are archived; v3 was never production
        assertThat(models.versions("rule")).extracting(ModelVersion::stage).containsExactly(
                ModelStage.PRODUCTION, ModelStage.NONE, ModelStage.ARCHIVED, ModelStage.ARCHIVED);
    }

    private static NewModelVersion full(String name, double score) {
        return new NewModelVersion(name, score, Map.of("validation_ndcg100", score), Map.of("epochs", 5, "lr", 0.0005),
                URI.create("file:///tmp/" + name + ".safetensors"), "ab".repeat(32),
                Instant.parse("2022-06-02T13:30:00Z"), Instant.parse("2022-06-02T14:30:00Z"), "recvae_batch_train", "manual__1");
    }

    @Test
    void paramsRunAndChecksumAreKept() {
        ModelVersion v = models.register(full("kept", 0.3));
        ModelVersion read = models.version("kept", 1).orElseThrow();
        assertThat(read).isEqualTo(v);
        assertThat(read.params()).containsEntry("epochs", 5).containsEntry("lr", 0.0005);
        assertThat(read.sha256()).isEqualTo("ab".repeat(32));
        assertThat(read.dagId()).isEqualTo("recvae_batch_train");
        assertThat(read.runId()).isEqualTo("manual__1");
        assertThat(models.names()).contains("kept");
    }

    @Test
    void latestPolicyPromotesTheNewestAndGatesHoldBadVersionsBack() {
        PromotionPolicy latest = PromotionPolicy.latest();
        assertThat(models.register(full("lat", 0.40), latest).promoted()).isTrue();
        ModelRegistry.Registration worse = models.register(full("lat", 0.30), latest);
        assertThat(worse.promoted()).isTrue();
        assertThat(worse.reason()).contains("latest");
        assertThat(models.production("lat")).map(ModelVersion::version).contains(2);
        assertThat(models.version("lat", 1)).map(ModelVersion::stage).contains(ModelStage.ARCHIVED);

        ModelRegistry.Registration gated = models.register(full("lat", 0.20), latest.withMaxRegression(0.05));
        assertThat(gated.promoted()).isFalse();
        assertThat(gated.reason()).contains("worse than production version 2", "0.0500");
        assertThat(gated.version().stage()).isEqualTo(ModelStage.NONE);
        ModelRegistry.Registration within = models.register(full("lat", 0.26), latest.withMaxRegression(0.05));
        assertThat(within.promoted()).isTrue();

        ModelRegistry.Registration low = models.register(full("lat", 0.9), PromotionPolicy.bestScore().withMinScore(0.95));
        assertThat(low.promoted()).isFalse();
        assertThat(low.reason()).contains("below the minimum 0.9500");
        assertThat(models.production("lat")).map(ModelVersion::version).contains(4);

        ModelRegistry.Registration loses = models.register(full("lat", 0.1), PromotionPolicy.bestScore());
        assertThat(loses.promoted()).isFalse();
        assertThat(loses.reason()).contains("below production version 4's");
    }

    @Test
    void promoteArchivesTheOldProductionAndRollbackWalksBackThroughEarlierProductions() {
        models.register(full("rb", 0.1));
        models.register(full("rb", 0.2));
        models.register(full("rb", 0.3));
        models.register(full("rb", 0.05));  // never production
        assertThat(models.production("rb")).map(ModelVersion::version).contains(3);

        assertThat(models.rollback("rb").version()).isEqualTo(2);
        assertThat(models.version("rb", 3).orElseThrow()).satisfies(v -> {
            assertThat(v.stage()).isEqualTo(ModelStage.ARCHIVED);
            assertThat(v.rolledBackAt()).isNotNull();
        });
        // a newly promoted version rolls back to 2, not to the rolled-back 3
        assertThat(models.promote("rb", 4).stage()).isEqualTo(ModelStage.PRODUCTION);
        assertThat(models.versions("rb")).filteredOn(ModelVersion::current).extracting(ModelVersion::version).containsExactly(4);
        assertThat(models.rollback("rb").version()).isEqualTo(2);
        assertThat(models.rollback("rb").version()).isEqualTo(1);
        assertThatThrownBy(() -> models.rollback("rb")).isInstanceOf(ModelRegistryException.class)
                .hasMessage("model 'rb': no version was production before version 1, so there is nothing to roll back to"
                        + " (promote one with 'gale models promote')");
        assertThat(models.production("rb")).map(ModelVersion::version).contains(1);
        // promoting the production version again changes nothing
        assertThat(models.promote("rb", 1).version()).isEqualTo(1);
    }

    @Test
    void unknownVersionsAndDeletingProductionAreRefusedAndChangeNothing() {
        models.register(full("del", 0.5));
        models.register(full("del", 0.4));
        assertThatThrownBy(() -> models.promote("del", 7)).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("model 'del' has no version 7 (versions 1..2)");
        assertThatThrownBy(() -> models.promote("nope", 1)).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("model 'nope' is not registered");
        assertThatThrownBy(() -> models.rollback("nope")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> models.rollback("del")).isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("no version was production before version 1");
        assertThatThrownBy(() -> models.delete("del", 1)).isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("version 1 is in production and cannot be deleted");
        assertThat(models.versions("del")).hasSize(2);
        models.delete("del", 2);
        assertThat(models.versions("del")).extracting(ModelVersion::version).containsExactly(1);
        assertThatThrownBy(() -> models.delete("del", 2)).isInstanceOf(ModelNotFoundException.class);
        assertThat(models.production("del")).map(ModelVersion::version).contains(1);
    }

    @Test
    void namesAreIndependent() {
        models.register(model("a", 0.9));
        ModelVersion b = models.register(model("b", 0.1));
        assertThat(b.version()).isEqualTo(1);
        assertThat(b.current()).isTrue();
        assertThat(models.current("a")).map(ModelVersion::score).contains(0.9);
        assertThat(models.current("nothing")).isEmpty();
        assertThat(models.versions("nothing")).isEmpty();
    }

    @Test
    void racingRegistrationsGetDistinctVersionsAndOneCurrentTheBest() throws Exception {
        int n = 12;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<ModelVersion>> jobs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double score = 0.3 + ((i * 7) % n) / 100.0;
                jobs.add(() -> models.register(model("race", score)));
            }
            for (Future<ModelVersion> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<ModelVersion> all = models.versions("race");
        assertThat(all).extracting(ModelVersion::version).containsExactlyInAnyOrder(
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(all).filteredOn(ModelVersion::current).singleElement()
                .extracting(ModelVersion::score).isEqualTo(0.3 + (n - 1) / 100.0);
    }

    @Test
    void invalidRegistrationsAreRejectedBeforeTheDatabase() {
        URI uri = URI.create("file:///tmp/m.safetensors");
        assertThatThrownBy(() -> new NewModelVersion(" ", 0.1, Map.of(), uri, null, null))
                .hasMessageContaining("name must not be empty");
        assertThatThrownBy(() -> new NewModelVersion("x", Double.NaN, Map.of(), uri, null, null))
                .hasMessageContaining("finite");
    }
}
