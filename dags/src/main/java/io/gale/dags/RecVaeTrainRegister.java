package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.PromotionPolicy;
import io.gale.api.TaskDefaults;
import io.gale.operators.TriggerDagRunOperator;
import io.gale.operators.recsys.ParseArtifactOperator;
import io.gale.operators.recsys.PrepareInteractionsOperator;
import io.gale.operators.recsys.RecVaeTrainOperator;
import io.gale.operators.recsys.RegisterModelOperator;
import io.gale.operators.recsys.SplitOperator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two-DAG shape MLflow users know, first half: train and register (policy {@code latest}: the
 * newest version becomes production unless it is worse than production by more than 0.02), then
 * trigger {@code recvae_deploy} with the model and version in its conf. Unscheduled: trigger it by
 * hand, or schedule it instead of {@code recvae_batch_train} (both register model {@code recvae}).
 */
public final class RecVaeTrainRegister implements DagDefinition {

    @Override
    @SuppressWarnings("unchecked")
    public Dag define() {
        var dag = Dag.builder("recvae_train_register")
                .description("RecVAE train and register, then trigger recvae_deploy with the version (MLflow-style two DAGs)")
                .tags("recsys", "recvae", "example")
                .param("min_user_items", 5)
                .param("min_item_users", 5)
                .param("epochs", 5)
                .param("model_name", "recvae")
                .defaults(TaskDefaults.of().retries(1).retryDelay(Duration.ofSeconds(30)));
        var base = dag.task("preprocess_base_data", new PrepareInteractionsOperator());
        var vae = dag.task("preprocess_vae", new SplitOperator("preprocess_base_data"));
        var train = dag.task("train", new RecVaeTrainOperator("preprocess_vae")).executionTimeout(Duration.ofHours(1));
        var parse = dag.task("parse_artifact", new ParseArtifactOperator("train"));
        var register = dag.task("register", new RegisterModelOperator("parse_artifact", "train",
                PromotionPolicy.latest().withMaxRegression(0.02)));
        var trigger = dag.task("trigger_deploy", new TriggerDagRunOperator(RecVaeDeploy.DAG_ID).conf(ctx -> {
            Map<String, Object> registered = ctx.xcomPull("register", Map.class);
            Map<String, Object> conf = new LinkedHashMap<>();
            conf.put("model_name", registered.get("name"));
            conf.put("model_version", registered.get("version"));
            return conf;
        }));
        base.then(vae).then(train).then(parse).then(register).then(trigger);
        return dag.build();
    }
}
