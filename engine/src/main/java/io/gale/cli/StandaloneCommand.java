package io.gale.cli;

import io.gale.store.DagRunRepository.Scope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gale standalone}: embedded PostgreSQL, migrations and the scheduler in one process. */
@Command(name = "standalone", description = "Run Gale in one process: the embedded database, migrations, the scheduler and (when the web module is there) the web server.")
final class StandaloneCommand extends Sub implements Callable<Integer> {

    @picocli.CommandLine.Option(names = "--port", description = "The web server's port (default: GALE_WEBSERVER_PORT, else 8080).")
    Integer port;

    @picocli.CommandLine.Option(names = "--serve",
            description = "Also run the model server (gale serve with its defaults: port 8000, model recvae) in this process.")
    boolean serve;

    @Override
    public Integer call() throws Exception {
        java.util.List<io.gale.runtime.Companion> companions = new java.util.ArrayList<>();
        for (io.gale.runtime.Companion c : java.util.ServiceLoader.load(io.gale.runtime.Companion.class)) {
            if (c.startsByDefault() || (serve && c.name().equals("serve"))) {
                companions.add(c);
            }
        }
        if (serve && companions.stream().noneMatch(c -> c.name().equals("serve"))) {
            throw new io.gale.core.BadRequestException("--serve needs the model server, which this build of Gale does not include");
        }
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
        try {
            for (io.gale.runtime.Companion c : companions) {
                started.add(c.start(engine(), port, out, err()));
            }
            out.println("  Stop with Ctrl-C.");
            out.flush();
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
