package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.TaskDefaults;
import io.gale.operators.models.DeployModelOperator;
import java.time.Duration;

/**
 * The two-DAG shape, second half: deploys the version named in the run's conf ({@code model_name},
 * {@code model_version}, as {@code recvae_train_register} triggers it) to the model servers, skipped
 * with its reason when that version is not production or no server is configured.
 */
public final class RecVaeDeploy implements DagDefinition {
    /** The DAG id {@code recvae_train_register} triggers. */
    public static final String DAG_ID = "recvae_deploy";

    @Override
    public Dag define() {
        var dag = Dag.builder(DAG_ID)
                .description("Deploy a registered RecVAE version (conf: model_name, model_version) to the model servers")
                .tags("recsys", "recvae", "example")
                .param("model_name", "recvae")
                .defaults(TaskDefaults.of().retries(2).retryDelay(Duration.ofSeconds(10)));
        dag.task("deploy", new DeployModelOperator(null));
        return dag.build();
    }
}
