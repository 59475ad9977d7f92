package io.gale.web;

import io.gale.cli.GaleCommand;
import io.gale.core.BadRequestException;
import io.gale.runtime.Engine;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gale webserver}: the REST API and the web UI, until Ctrl-C. */
@Command(name = "webserver", mixinStandardHelpOptions = true,
        description = "Serve the REST API (/api/v2) and the web UI until Ctrl-C. It reads the DAGs the DAG processor recorded and never loads DAG code.")
public final class WebserverCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, description = "Port to listen on (default: GALE_WEBSERVER_PORT, else 8080).")
    Integer port;

    @Option(names = {"-H", "--hostname"}, description = "Address to listen on (default: GALE_WEBSERVER_HOST, else 0.0.0.0).")
    String host;

    @Override
    public Integer call() throws Exception {
        Engine engine = ((GaleCommand) spec.root().userObject()).cli().engine();
        PrintWriter out = spec.commandLine().getOut();
        try (WebServer server = start(engine, port, host, System.getenv())) {
            out.println("Gale web server " + GaleCommand.galeVersion() + " on " + url(server));
            out.println("  metadata: " + engine.database().description());
            if (server.backend().auth().users().list().isEmpty()) {
                out.println("  No users yet: create one with 'gale users create -u NAME -r admin'.");
            }
            out.println("  Stop with Ctrl-C.");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "gale-webserver-stop"));
            stop.await();
        }
        return 0;
    }

    /** Starts the web server on the engine's operations API, with the port from {@code --port}, the environment or 8080. */
    static WebServer start(Engine engine, Integer port, String host, Map<String, String> env) {
        int p = port != null ? port : portFrom(env);
        if (p < 0 || p > 65535) {
            throw new BadRequestException("port " + p + " is out of range: give 1 to 65535 (0 picks a free port)");
        }
        String h = host != null ? host : env.getOrDefault("GALE_WEBSERVER_HOST", "0.0.0.0");
        try {
            return WebServer.start(engine.operations(), h, p, Clock.systemUTC(), engine.metricsWithStates(),
                    "true".equalsIgnoreCase(env.getOrDefault("GALE_METRICS_REQUIRE_LOGIN", "false")));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof java.net.BindException) {
                throw new BadRequestException("cannot listen on " + h + ":" + p + " (" + root.getMessage()
                        + "): another program uses the port; pick another with --port or GALE_WEBSERVER_PORT");
            }
            throw e;
        }
    }

    private static int portFrom(Map<String, String> env) {
        String v = env.get("GALE_WEBSERVER_PORT");
        if (v == null || v.isBlank()) {
            return WebServer.DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException("GALE_WEBSERVER_PORT must be a port number, got '" + io.gale.core.Text.abbreviate(v, 20) + "'");
        }
    }

    /** The URL to open in a browser. */
    static String url(WebServer server) {
        return "http://localhost:" + server.port() + "/";
    }
}
