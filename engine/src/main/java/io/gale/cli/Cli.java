package io.gale.cli;

import io.gale.client.GaleClient;
import io.gale.config.ConfigException;
import io.gale.config.GaleConfig;
import io.gale.core.GaleException;
import io.gale.store.StoreException;
import io.gale.api.DagValidationException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Runs one {@code gale} command: parses the arguments, opens the client when the command needs
 * it, and maps failures to a one-line message on stderr and a non-zero exit code (1 for a
 * failed command, 2 for bad usage). {@code --verbose} adds the stack trace.
 */
public final class Cli {

    private final GaleConfig config;
    private final Function<GaleConfig, GaleClient> opener;
    private final List<Object> extraCommands = new ArrayList<>();
    private GaleClient client;
    private PrintWriter err = new PrintWriter(System.err, true);

    public Cli(GaleConfig config, Function<GaleConfig, GaleClient> opener) {
        this.config = config;
        this.opener = opener;
    }

    /**
     * The client, opened on first use (starting or attaching to the database). When no DAG
     * processor has read the dags folder yet, it reads it once (in a child process) and says so.
     */
    public GaleClient client() {
        if (client == null) {
            client = opener.apply(config);
            if (!client.dagsProcessed()) {
                err.println("No DAG processor has read " + config.dagsFolder() + " yet: reading it and the classpath once now.");
                err.flush();
                client.processDags();
            }
        }
        return client;
    }

    public GaleConfig config() {
        return config;
    }

    /** Adds a top-level subcommand (e.g. the web server, from another module). */
    public Cli addCommand(Object command) {
        extraCommands.add(command);
        return this;
    }

    public int run(PrintWriter out, PrintWriter err, String... args) {
        GaleCommand top = new GaleCommand(this);
        CommandLine cmd = new CommandLine(top);
        extraCommands.forEach(cmd::addSubcommand);
        cmd.setOut(out);
        cmd.setErr(err);
        this.err = err;
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("Error: " + message(e));
            if (top.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        try {
            return cmd.execute(args);
        } finally {
            if (client != null) {
                client.close();
                client = null;
            }
            out.flush();
            err.flush();
        }
    }

    static String message(Throwable e) {
        if (e instanceof GaleException || e instanceof StoreException || e instanceof ConfigException
                || e instanceof DagValidationException || e instanceof IllegalArgumentException) {
            return firstLine(e.getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(e.getClass().getSimpleName() + ": " + e.getMessage()
                + (root != e ? " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "")
                + " (run with --verbose for details)");
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse("");
    }

    public static void main(String[] args) {
        System.exit(mainExitCode(args));
    }

    /** The exit code of {@code gale args} with settings from the environment. */
    public static int mainExitCode(String[] args, Object... extraCommands) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        GaleConfig config;
        try {
            config = GaleConfig.fromEnvironment();
        } catch (ConfigException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        }
        Cli cli = new Cli(config, GaleClient::open);
        for (Object c : extraCommands) {
            cli.addCommand(c);
        }
        return cli.run(out, err, args);
    }
}
