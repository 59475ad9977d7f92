package io.gale.cli;

import io.gale.store.DagRunRepository.Scope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gale scheduler}: the scheduler loop, until Ctrl-C. Several may run on one database. */
@Command(name = "scheduler", description = "Run the scheduler: create due runs and execute their tasks, until Ctrl-C.")
final class SchedulerCommand extends Sub implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        var client = client();
        err().println("Gale scheduler started: " + client.database().description() + "; DAGs from the classpath and "
                + client.config().dagsFolder() + ". Stop with Ctrl-C.");
        err().flush();
        engine().runScheduler(engine().schedulerSettings(), Scope.ALL, err(), () -> false, () -> { });
        err().println("Gale scheduler stopped.");
        return 0;
    }
}
