package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.TaskDefaults;
import io.gale.api.PromotionPolicy;
import io.gale.operators.models.DeployModelOperator;
import io.gale.operators.recsys.ParseArtifactOperator;
import io.gale.operators.recsys.PrepareInteractionsOperator;
import io.gale.operators.recsys.RecVaeTrainOperator;
import io.gale.operators.recsys.RegisterModelOperator;
import io.gale.operators.recsys.SplitOperator;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The seed project's hourly batch training of RecVAE: interactions (a ratings file given as
 * {@code ratings_path}, by default a synthetic GitHub-stars data set) -> strong-generalisation split
 * -> training -> {@code <model>_<score>} parsed from the artifact name (the validation NDCG@100)
 * -> registered, and made production when it scores at least as well as the production model
 * (policy {@code best_score}) -> the model servers told over a signed webhook ({@code deploy};
 * skipped with its reason when the version did not become production or no server is configured).
 */
public final class RecVaeBatchTrain implements DagDefinition {

    @Override
    public Dag define() {
        var dag = Dag.builder("recvae_batch_train")
                .description("Hourly RecVAE training: preprocess, split, train, parse the artifact, register the model, deploy it")
                .tags("recsys", "recvae")
                .schedule("@hourly")
                .startDate(ZonedDateTime.of(2022, 6, 2, 22, 30, 0, 0, ZoneId.of("Asia/Seoul")))
                .catchup(false)
                .param("min_user_items", 5)
                .param("min_item_users", 5)
                .param("epochs", 5)
                .param("model_name", "recvae")
                .defaults(TaskDefaults.of().retries(1).retryDelay(Duration.ofSeconds(30)));
        var base = dag.task("preprocess_base_data", new PrepareInteractionsOperator());
        var vae = dag.task("preprocess_vae", new SplitOperator("preprocess_base_data"));
        var train = dag.task("train", new RecVaeTrainOperator("preprocess_vae")).executionTimeout(Duration.ofHours(1));
        var parse = dag.task("parse_artifact", new ParseArtifactOperator("train"));
        var register = dag.task("register", new RegisterModelOperator("parse_artifact", "train", PromotionPolicy.bestScore()));
        var deploy = dag.task("deploy", new DeployModelOperator("register"));
        base.then(vae).then(train).then(parse).then(register).then(deploy);
        return dag.build();
    }
}
