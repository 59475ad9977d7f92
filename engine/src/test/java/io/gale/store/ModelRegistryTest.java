package io.gale.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.ModelRegistry;
import io.gale.api.ModelStage;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
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
        assertThat(v1.stage()).isEqualTo(ModelStage.NONE);
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
