package io.gale.operators.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's Kubernetes API mock in CRUD mode (pods are created, listed, watched, patched and
 * deleted as on a real API server), with expectations in front of it for what CRUD mode does not
 * serve: pod logs, and injected API errors. The test plays the kubelet: it sets pod phases.
 */
final class MockCluster implements AutoCloseable {

    static final String NAMESPACE = "gale";
    /** The mock logs every request at INFO through java.util.logging: held here so the level sticks. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("io.fabric8"), Logger.getLogger("io.vertx"),
            Logger.getLogger("io.netty"));

    static {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
    }

    final KubernetesMockServer server;
    private final KubernetesClient admin;
    /** Names of every pod ever created, from a watch of the namespace. */
    final Set<String> created = ConcurrentHashMap.newKeySet();

    MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        admin = server.createClient();
        admin.pods().inNamespace(NAMESPACE).watch(new Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.ADDED) {
                    created.add(pod.getMetadata().getName());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    /** A client for an executor: the client's own silent retries off, as in production. */
    KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    List<Pod> pods() {
        return admin.pods().inNamespace(NAMESPACE).list().getItems();
    }

    Pod pod(String name) {
        return admin.pods().inNamespace(NAMESPACE).withName(name).get();
    }

    /** Sets a pod's status, as the kubelet would. */
    void status(String name, PodStatus status) {
        Pod pod = pod(name);
        pod.setStatus(status);
        admin.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
    }

    void phase(String name, String phase) {
        status(name, new PodStatusBuilder().withPhase(phase).build());
    }

    /** The container ended: its log is served from now on, and the pod gets {@code phase}. */
    void end(String name, String phase, String log) {
        serveLog(name, log);
        phase(name, phase);
    }

    /** A Failed pod whose container was killed for using too much memory, and printed {@code log}. */
    void oomKilled(String name, String log) {
        serveLog(name, log);
        status(name, new PodStatusBuilder().withPhase("Failed").withContainerStatuses(new ContainerStatusBuilder()
                .withName("base").withState(new ContainerStateBuilder().withNewTerminated().withReason("OOMKilled")
                        .withExitCode(137).endTerminated().build()).build()).build());
    }

    void imagePullError(String name) {
        status(name, new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                .withName("base").withState(new ContainerStateBuilder().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"registry.example/gale:missing\"").endWaiting().build()).build()).build());
    }

    void serveLog(String name, String log) {
        server.expect().get().withPath(logPath(name)).andReturn(200, log).always();
    }

    static String logPath(String name) {
        return "/api/v1/namespaces/" + NAMESPACE + "/pods/" + name + "/log?pretty=false";
    }

    void delete(String name) {
        admin.pods().inNamespace(NAMESPACE).withName(name).delete();
    }

    @Override
    public void close() {
        admin.close();
        server.destroy();
    }
}
