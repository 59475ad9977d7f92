package io.gale.cli;

import io.gale.client.Pools;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale pools}: Airflow's pool commands (list, set, delete). */
@Command(name = "pools", description = "Pools: named slot counts that cap how many tries of their tasks run at once, across all workers.",
        subcommands = {PoolsCommand.ListPools.class, PoolsCommand.Set.class, PoolsCommand.Delete.class})
final class PoolsCommand extends Sub implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    static Map<String, Object> view(Pools.Status p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool", p.name());
        m.put("slots", p.slots());
        m.put("description", p.description());
        m.put("running_slots", p.running());
        m.put("queued_slots", p.queued());
        m.put("open_slots", p.open());
        return m;
    }

    static void print(Sub sub, List<Pools.Status> pools, boolean json) {
        if (json) {
            sub.json(pools.stream().map(PoolsCommand::view).toList());
            return;
        }
        Table t = new Table("pool", "slots", "running", "queued", "open", "description");
        pools.forEach(p -> t.row(p.name(), p.slots(), p.running(), p.queued(), p.open(), p.description()));
        t.print(sub.out());
    }

    @Command(name = "list", description = "List the pools with their slots in use.")
    static final class ListPools extends Sub implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            print(this, clientWithoutDags().pools().list(), isJson(output));
            return 0;
        }
    }

    @Command(name = "set", description = "Create a pool or change its slots (and description).")
    static final class Set extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "SLOTS")
        int slots;

        @Parameters(index = "2", arity = "0..1", paramLabel = "DESCRIPTION")
        String description;

        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            print(this, List.of(clientWithoutDags().pools().set(name, slots, description)), json);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a pool (not default_pool).")
    static final class Delete extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            clientWithoutDags().pools().delete(name);
            out().println("Pool " + name + " deleted.");
            return 0;
        }
    }
}
