package io.gale.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gale dag-processor}: reads the dags folder and the classpath and records their DAGs, until Ctrl-C. */
@Command(name = "dag-processor", description = "Run the DAG processor on its own: read the classpath and the dags folder"
        + " (each file in a child process) every GALE_DAG_DIR_LIST_INTERVAL seconds and record their DAGs, until Ctrl-C.")
final class DagProcessorCommand extends Sub implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        var client = client();
        err().println("Gale DAG processor started: " + client.config().dagsFolder() + " and the classpath, every "
                + client.config().dagDirListInterval().toSeconds() + " s. Stop with Ctrl-C.");
        err().flush();
        engine().runDagProcessor(err());
        err().println("Gale DAG processor stopped.");
        return 0;
    }
}
