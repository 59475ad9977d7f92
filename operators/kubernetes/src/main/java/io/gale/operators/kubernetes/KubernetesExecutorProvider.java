package io.gale.operators.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gale.executor.Executor;
import io.gale.runtime.Engine;
import io.gale.runtime.ExecutorProvider;
import java.time.Clock;

/**
 * {@code GALE_EXECUTOR=kubernetes}: runs each try in a pod. The cluster comes from the usual
 * places (in-cluster service account, {@code KUBECONFIG}, {@code ~/.kube/config}); the settings
 * from the environment ({@link KubernetesSettings}). A template that cannot be read or parsed
 * stops the scheduler at start with a one-line error.
 */
public final class KubernetesExecutorProvider implements ExecutorProvider {

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Executor create(Engine engine) {
        Config auto = Config.autoConfigure(null);
        KubernetesSettings settings = KubernetesSettings.from(engine.env(), engine.config().parallelism(), auto.getNamespace());
        // the executor retries failing calls itself, with logging, instead of the client's silent retries
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(auto).withRequestRetryBackoffLimit(0).build()).build();
        return new KubernetesExecutor(client, settings, Clock.systemUTC());
    }
}
