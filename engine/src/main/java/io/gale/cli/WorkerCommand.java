package io.gale.cli;

import io.gale.config.GaleConfig;
import io.gale.dagbag.DagBag;
import io.gale.edge.EdgeWorker;
import io.gale.edge.WorkerClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gale worker}: a remote worker. It talks only to the web server's API with the token in
 * {@code GALE_WORKER_TOKEN} (never on the command line), and loads DAG code from its own dags
 * folder ({@code GALE_DAGS_FOLDER}); it opens no database.
 */
@Command(name = "worker", description = "Run a remote worker: claims tries of its queues from the API (GALE_EXECUTOR=edge "
        + "schedulers queue them), runs them with DAG code from GALE_DAGS_FOLDER, and reports their ends. "
        + "Authenticates with GALE_WORKER_TOKEN. Stop with Ctrl-C.")
final class WorkerCommand extends Sub implements Callable<Integer> {

    @Option(names = {"-q", "--queues"}, defaultValue = "default", paramLabel = "QUEUES",
            description = "Comma-separated queues to serve (default: default).")
    String queues;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "4", paramLabel = "N", description = "Tries run at once (default 4).")
    int concurrency;

    @Option(names = "--api-url", required = true, paramLabel = "URL", description = "The web server, e.g. http://localhost:8080.")
    String apiUrl;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "This worker's name (default: host name and process id).")
    String name;

    @Override
    public Integer call() throws Exception {
        String token = System.getenv("GALE_WORKER_TOKEN");
        if (token == null || token.isBlank()) {
            throw new io.gale.core.BadRequestException("GALE_WORKER_TOKEN is not set: create a token with 'gale workers token create NAME' "
                    + "and set it in the worker's environment");
        }
        GaleConfig config = ((GaleCommand) spec.root().userObject()).cli.config();
        io.gale.core.ProcessIdentity me = io.gale.core.ProcessIdentity.current();
        String worker = io.gale.client.Workers.checkName(name != null ? name : me.hostname() + "-" + me.pid(), "a worker");
        EdgeWorker.Settings settings = new EdgeWorker.Settings(EdgeWorker.queues(queues), concurrency, config.heartbeat(),
                Duration.ofMillis(500));
        DagBag code = new DagBag(config.dagsFolder(), config.dagCacheDir(), DagBag.class.getClassLoader());
        io.gale.metrics.Metrics metrics = io.gale.metrics.Metrics.prometheus();
        var endpoint = io.gale.metrics.MetricsServer.startIfConfigured(System.getenv(), metrics); // GALE_METRICS_PORT
        EdgeWorker w = new EdgeWorker(settings, new WorkerClient(apiUrl, worker, token), code, config.workRoot(), System.getenv(),
                Clock.systemUTC(), metrics);
        w.start();
        err().println("Gale worker " + worker + " started: queues " + String.join(",", settings.queues()) + ", concurrency "
                + concurrency + ", API " + apiUrl + ", DAGs from " + config.dagsFolder() + ". Stop with Ctrl-C.");
        err().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                w.stop(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            endpoint.ifPresent(io.gale.metrics.MetricsServer::close);
            stopped.countDown();
        }, "gale-worker-shutdown"));
        stopped.await();
        return 0;
    }
}
