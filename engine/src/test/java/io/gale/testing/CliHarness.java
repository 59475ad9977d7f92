package io.gale.testing;

import io.gale.cli.Cli;
import io.gale.client.Operations;
import io.gale.runtime.Engine;
import io.gale.config.GaleConfig;
import io.gale.dagbag.DagBag;
import io.gale.store.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs {@code gale} commands in this JVM against one real PostgreSQL database and a bag of DAGs. */
public final class CliHarness {

    /** Exit code, stdout and stderr of one command. */
    public record Result(int code, String out, String err) {
    }

    private final Path home;
    private final String url = TestDatabase.freshUrl();
    private final DagBag bag;

    public CliHarness(Path home, DagBag bag) {
        this.home = home;
        this.bag = bag;
    }

    public String url() {
        return url;
    }

    public Result run(String... args) {
        GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString()));
        Cli cli = new Cli(config, cfg -> {
            Database db = Database.external(url, "postgres", null);
            db.migrate();
            Engine engine = new Engine(cfg, db, bag, Clock.systemUTC(), Map.of());
            Operations client = engine.operations();
            client.syncDags(bag);
            // the DAGs come from the bag: nothing is to be read from the (empty) dags folder
            client.store().serializedDags().syncBundle(io.gale.dagbag.DagProcessor.folderBundle(cfg.dagsFolder()),
                    java.util.List.of(), Map.of(), true, java.time.Instant.now());
            return engine;
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = cli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
