package io.gale.cli;

import io.gale.store.DagRunRepository.Scope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gale standalone}: embedded PostgreSQL, migrations and the scheduler in one process. */
@Command(name = "standalone", description = "Run Gale in one process: the embedded database, migrations, the scheduler and (when the web module is there) the web server.")
final class StandaloneCommand extends Sub implements Callable<Integer> {

    @picocli.CommandLine.Option(names = "--port", description = "The web server's port (default: GALE_WEBSERVER_PORT, else 8080).")
    Integer port;

    @Override
    public Integer call() throws Exception {
        var client = client();
        java.nio.file.Files.createDirectories(client.config().dagsFolder());
        var out = out();
        out.println("Gale standalone " + GaleCommand.version());
        out.println("  metadata: " + client.database().description());
        out.println("  DAGs:     the classpath and " + client.config().dagsFolder() + " (re-scanned every "
                + client.config().dagDirListInterval().toSeconds() + " s)");
        out.println("  DAGs found: " + client.listDags().size() + ", import errors: " + client.importErrors().size());
        out.println("  New DAGs start paused: './gale dags unpause example_pipeline' in another shell starts its schedule.");
        java.util.List<AutoCloseable> started = new java.util.ArrayList<>();
        for (io.gale.runtime.Companion c : java.util.ServiceLoader.load(io.gale.runtime.Companion.class)) {
            started.add(c.start(engine(), port, out));
        }
        out.println("  Stop with Ctrl-C.");
        out.flush();
        try {
            engine().runScheduler(engine().schedulerSettings(), Scope.ALL, err(), () -> false, () -> { });
        } finally {
            for (AutoCloseable s : started) {
                s.close();
            }
        }
        out.println("Gale stopped.");
        return 0;
    }
}
