package io.gale.dags;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.core.DagRun;
import io.gale.testing.Harness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow-style pair: recvae_train_register triggers recvae_deploy with the registered version in its conf. */
class RecVaeTwoDagsTest {

    @TempDir
    Path home;

    @Test
    void trainRegisterTriggersDeployWithTheVersion() throws Exception {
        try (Harness h = new Harness(home, new RecVaeTrainRegister().define(), new RecVaeDeploy().define())) {
            DagRun first = h.runToEnd(h.trigger("recvae_train_register",
                    Map.of("epochs", 1, "synthetic_users", 400, "synthetic_repositories", 200)));
            assertThat(h.states(first)).containsEntry("register", "success").containsEntry("trigger_deploy", "success");
            assertThat(h.store.models().production("recvae")).map(v -> v.version()).contains(1);
            DagRun deploy = h.store.runs().find("recvae_deploy", "triggered__recvae_train_register__" + first.runId()).orElseThrow();
            assertThat(deploy.conf()).containsEntry("model_name", "recvae").containsEntry("model_version", 1);
            DagRun done = h.runToEnd(deploy);
            assertThat(h.states(done)).containsEntry("deploy", "skipped");
            assertThat(h.client().log("recvae_deploy", done.runId(), "deploy", null)).contains("no model server configured");
        }
    }
}
