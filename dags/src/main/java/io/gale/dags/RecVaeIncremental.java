package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.TaskDefaults;
import io.gale.operators.recsys.ParseArtifactOperator;
import io.gale.operators.recsys.PrepareInteractionsOperator;
import io.gale.operators.recsys.RecVaeTrainOperator;
import io.gale.operators.recsys.RegisterModelOperator;
import io.gale.operators.recsys.SplitOperator;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Incremental training over time-chunked data: a daily run trains on the interactions made before
 * the end of its data interval (param {@code window_days} for a sliding window instead), so a
 * backfill over the year of synthetic stars (each with a time, 2025) builds the model's history run
 * by run, and the registry ({@code recvae_daily}) shows how the score moved. Smaller model and data
 * than {@code recvae_batch_train}, so a day takes a few seconds.
 */
public final class RecVaeIncremental implements DagDefinition {

    @Override
    public Dag define() {
        var dag = Dag.builder("recvae_incremental")
                .description("Daily RecVAE training on the interactions before each run's data interval end")
                .tags("recsys", "recvae")
                .schedule("@daily")
                .startDate(ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
                .catchup(false)
                .maxActiveRuns(1)
                .param("time_column", true)
                .param("synthetic_users", 1500)
                .param("synthetic_repositories", 800)
                .param("synthetic_start", "2025-01-01")
                .param("synthetic_end", "2026-01-01")
                .param("min_user_items", 5)
                .param("min_item_users", 5)
                .param("epochs", 3)
                .param("hidden_dim", 200)
                .param("latent_dim", 64)
                .param("model_name", "recvae_daily")
                .defaults(TaskDefaults.of().retries(1).retryDelay(Duration.ofSeconds(30)));
        var base = dag.task("preprocess_base_data", new PrepareInteractionsOperator());
        var vae = dag.task("preprocess_vae", new SplitOperator("preprocess_base_data"));
        var train = dag.task("train", new RecVaeTrainOperator("preprocess_vae")).executionTimeout(Duration.ofHours(1));
        var parse = dag.task("parse_artifact", new ParseArtifactOperator("train"));
        var register = dag.task("register", new RegisterModelOperator("parse_artifact", "train"));
        base.then(vae).then(train).then(parse).then(register);
        return dag.build();
    }
}
