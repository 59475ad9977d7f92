package io.gale.cli;

import io.gale.store.DagRunRepository.Scope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gale standalone}: embedded PostgreSQL, migrations and the scheduler in one process. */
@Command(name = "standalone", description = "Run Gale in one process: the embedded database, migrations and the scheduler.")
final class StandaloneCommand extends Sub implements Callable<Integer> {

    @picocli.CommandLine.Option(names = "--serve",
            description = "Also run the model server (gale serve with its defaults: port 8000, model recvae) in this process.")
    boolean serve;

    @Override
    public Integer call() throws Exception {
        StandaloneService server = null;
        if (serve) {
            server = ((GaleCommand) spec.root().userObject()).cli.standaloneService("serve").orElseThrow(() ->
                    new io.gale.core.BadRequestException("--serve needs the model server, which this build of Gale does not include"));
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
        AutoCloseable served = server == null ? null : server.startBeside(engine(), out, err());
        out.println("  Stop with Ctrl-C.");
        out.flush();
        try {
            engine().runScheduler(engine().schedulerSettings(), Scope.ALL, err(), () -> false, () -> { });
        } finally {
            if (served != null) {
                served.close();
            }
        }
        out.println("Gale stopped.");
        return 0;
    }
}
