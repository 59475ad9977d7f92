package io.gale.operators.models.cli;

import io.gale.api.Connection;
import io.gale.cli.GaleCommand;
import io.gale.operators.models.ArtifactLoader;
import io.gale.operators.models.DeployModelOperator;
import io.gale.operators.models.ModelServer;
import io.gale.operators.models.WebhookSignature;
import io.gale.runtime.Engine;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gale serve}: the model server, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve recommendations from a model's production version; swap versions on a signed webhook or a registry change.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8000", description = "TCP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--model", defaultValue = "recvae", description = "The model name (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--webhook-conn", defaultValue = DeployModelOperator.DEFAULT_CONN, paramLabel = "ID",
            description = "Connection whose password is the webhook secret (default ${DEFAULT-VALUE}).")
    String webhookConn;

    @Option(names = "--artifact-conn", paramLabel = "ID",
            description = "Connection with the credentials of the artifact store (gs://); default GALE_ARTIFACT_CONN_ID,"
                    + " else the store's defaults (application-default credentials).")
    String artifactConn;

    @Option(names = "--poll-interval", defaultValue = "30s", paramLabel = "DURATION",
            description = "How often the registry is asked for the production version (default ${DEFAULT-VALUE}; 0 never).")
    Duration pollInterval;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535, got " + port);
        }
        Engine engine = ((GaleCommand) spec.root().userObject()).cli().engine();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: the hook wakes this thread and waits until the server and the engine (the embedded
        // PostgreSQL, when this process is the last one using it) are closed
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gale-serve-stop");
        try (engine; ModelServer server = start(engine, host, port, model, webhookConn, artifactConn, pollInterval, err)) {
            out.println("Gale serve: model " + model + ", " + server.served()
                    .map(s -> "version " + s.version().version() + " loaded")
                    .orElse("no production version yet (answers 503 until one is promoted)"));
            out.println("  listening on http://" + host + ":" + server.port()
                    + "  (GET /recommend?items=ID,ID&k=10, POST /recommend, GET /health, GET /metrics, POST /models/reload)");
            out.println("  Stop with Ctrl-C.");
            out.flush();
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
        } finally {
            finished.countDown();
        }
        return 0;
    }

    /**
     * Starts a server on the engine's registry; used by {@code serve} and {@code standalone --serve}.
     * Artifacts are read in place ({@code file://}) or downloaded through the artifact store of their
     * URI ({@code gs://}) with the connection {@code artifactConn} (null: {@code GALE_ARTIFACT_CONN_ID},
     * else none) into {@code $GALE_HOME/serve/downloads}.
     */
    public static ModelServer start(Engine engine, String host, int port, String model, String webhookConn,
                                    String artifactConn, Duration pollInterval, PrintWriter err) throws java.io.IOException {
        String storeConnId = artifactConn != null ? artifactConn : System.getenv("GALE_ARTIFACT_CONN_ID");
        Connection storeConn = null;
        if (storeConnId != null && !storeConnId.isBlank()) {
            String id = storeConnId.strip();
            storeConn = engine.connection(id).orElseThrow(() -> new io.gale.config.ConfigException("connection '" + id + "' for the artifact store is not defined (set GALE_CONN_"
                            + id.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + " or add it to the database)"));
        }
        ArtifactLoader loader = ArtifactLoader.stores(storeConn, engine.config().home().resolve("serve").resolve("downloads"));
        Optional<Connection> conn = engine.connection(webhookConn);
        WebhookSignature signature = null;
        if (conn.isEmpty() || conn.get().password() == null || conn.get().password().isEmpty()) {
            err.println("Warning: connection " + webhookConn + (conn.isEmpty() ? " not found" : " has no password")
                    + ": POST /models/reload is refused; the registry poll still swaps versions.");
            err.flush();
        } else {
            signature = WebhookSignature.of(conn.get().password());
        }
        ModelServer.Settings s = ModelServer.Settings.defaults().withHost(host).withPort(port).withModel(model)
                .withPollInterval(pollInterval);
        return new ModelServer(engine.operations().models(), loader, signature, Clock.systemUTC(), s).start();
    }
}
