package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.ModelRegistry;
import io.gale.api.NewModelVersion;
import io.gale.core.Json;
import io.gale.dagbag.DagBag;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.testing.CliHarness;
import io.gale.testing.CliHarness.Result;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale models list/show/promote/rollback/delete} against a real registry, and their bad input. */
class ModelsCommandTest {

    @TempDir
    Path home;
    CliHarness cli;
    Database db;
    ModelRegistry models;

    @BeforeEach
    void setUp() {
        cli = new CliHarness(home, DagBag.of());
        db = Database.external(cli.url(), "postgres", null);
        db.migrate();
        models = new JooqStore(db).models();
        for (double score : new double[] {0.40, 0.42, 0.41}) {
            models.register(new NewModelVersion("recvae", score, Map.of("validation_ndcg100", score),
                    URI.create("file:///models/recvae_" + score + ".safetensors"), null, null));
        }
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static void failsWith(Result r, String message) {
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: ").contains(message);
        assertThat(r.err().strip().lines().count()).as("one line: " + r.err()).isEqualTo(1);
    }

    @Test
    void listShowPromoteRollbackDelete() {
        Result list = cli.run("models", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("recvae").containsPattern("recvae\\s+\\|\\s+3\\s+\\|\\s+3\\s+\\|\\s+2\\s+\\|\\s+0.4200");
        List<?> json = Json.read(cli.run("models", "list", "recvae", "-o", "json").out(), List.class);
        assertThat(json).hasSize(3);
        assertThat(cli.run("models", "list", "recvae").out()).contains("production", "archived", "none");

        Result show = cli.run("models", "show", "recvae");
        assertThat(Json.read(show.out(), Map.class)).containsEntry("version", 2).containsEntry("stage", "production");

        Result promote = cli.run("models", "promote", "recvae", "3");
        assertThat(promote.out()).contains("Model recvae version 3 is production (version 2 archived)");
        assertThat(models.production("recvae").orElseThrow().version()).isEqualTo(3);

        Result rollback = cli.run("models", "rollback", "recvae");
        assertThat(rollback.out()).contains("rolled back: version 2 is production, version 3 archived");
        assertThat(models.production("recvae").orElseThrow().version()).isEqualTo(2);

        assertThat(cli.run("models", "delete", "recvae", "3").code()).isZero();
        assertThat(models.versions("recvae")).hasSize(2);
    }

    @Test
    void badInputIsOneLineAndChangesNothing() {
        failsWith(cli.run("models", "promote", "recvae", "9"), "model 'recvae' has no version 9 (versions 1..3)");
        failsWith(cli.run("models", "promote", "nope", "1"), "model 'nope' is not registered");
        failsWith(cli.run("models", "delete", "recvae", "2"), "version 2 is in production and cannot be deleted");
        failsWith(cli.run("models", "show", "recvae", "7"), "has no version 7");
        failsWith(cli.run("models", "list", "nope"), "model 'nope' is not registered");
        failsWith(cli.run("models", "list", "-o", "yaml"), "unknown output format 'yaml'");
        assertThat(models.production("recvae").orElseThrow().version()).isEqualTo(2);
        assertThat(models.versions("recvae")).hasSize(3);
        Result usage = cli.run("models", "promote", "recvae", "two");
        assertThat(usage.code()).isEqualTo(2);
    }
}
