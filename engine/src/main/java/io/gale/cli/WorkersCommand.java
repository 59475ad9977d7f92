package io.gale.cli;

import io.gale.store.EdgeRepository.Worker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale workers}: remote workers and their tokens. */
@Command(name = "workers", description = "Remote workers ('gale worker') and the tokens they authenticate with.",
        subcommands = {WorkersCommand.ListWorkers.class, WorkersCommand.Token.class})
final class WorkersCommand extends Sub implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    @Command(name = "list", description = "List the workers that heartbeated, with their queues and state.")
    static final class ListWorkers extends Sub implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            var workers = clientWithoutDags().workers().list();
            if (json) {
                json(workers.stream().map(ListWorkers::view).toList());
            } else if (workers.isEmpty()) {
                out().println("No worker has registered yet.");
            } else {
                Table t = new Table("worker", "state", "queues", "running", "concurrency", "last_heartbeat");
                workers.forEach(w -> t.row(w.name(), w.state().id(), String.join(",", w.queues()), w.running(), w.concurrency(),
                        w.lastHeartbeat()));
                t.print(out());
            }
            return 0;
        }

        static Map<String, Object> view(Worker w) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("worker", w.name());
            m.put("state", w.state().id());
            m.put("queues", w.queues());
            m.put("running", w.running());
            m.put("concurrency", w.concurrency());
            m.put("first_seen", w.firstSeen());
            m.put("last_heartbeat", w.lastHeartbeat());
            return m;
        }
    }

    @Command(name = "token", description = "Worker tokens: create one (shown once) or revoke one.",
            subcommands = {Create.class, Revoke.class})
    static final class Token extends Sub implements Runnable {
        @Override
        public void run() {
            spec.commandLine().usage(out());
        }
    }

    @Command(name = "create", description = "Create a worker token; it is printed once (only a hash is kept). Give it to workers as GALE_WORKER_TOKEN.")
    static final class Create extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            String token = clientWithoutDags().workers().createToken(name);
            out().println(token);
            err().println("Worker token '" + name + "' created; it is shown only this once. Start workers with GALE_WORKER_TOKEN set to it.");
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a worker token: workers using it are refused (401) from then on.")
    static final class Revoke extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            clientWithoutDags().workers().revokeToken(name);
            out().println("Worker token " + name + " revoked.");
            return 0;
        }
    }
}
