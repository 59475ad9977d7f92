package io.gale.cli;

import io.gale.client.Operations;
import io.gale.runtime.Engine;
import io.gale.config.ConfigException;
import io.gale.config.GaleConfig;
import io.gale.core.GaleException;
import io.gale.core.Secrets;
import io.gale.core.Text;
import io.gale.store.StoreException;
import io.gale.api.DagValidationException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Runs one {@code gale} command: parses the arguments, opens the engine when the command needs
 * it, and maps failures to a one-line message on stderr and a non-zero exit code (1 for a
 * failed command, 2 for bad usage). {@code --verbose} adds the stack trace. Passwords are
 * masked and echoed input is cut short; picocli's {@code @file} argument expansion is off.
 */
public final class Cli {

    private static final int MAX_MESSAGE = 300;
    private static final int MAX_QUOTED = 80;
    private static final Pattern QUOTED = Pattern.compile("'([^']{" + (MAX_QUOTED + 1) + ",})'");

    private final GaleConfig config;
    private final Function<GaleConfig, Engine> opener;
    private final List<Object> extraCommands = new ArrayList<>();
    private Engine engine;
    private boolean dagsChecked;
    private PrintWriter err = new PrintWriter(System.err, true);

    public Cli(GaleConfig config, Function<GaleConfig, Engine> opener) {
        this.config = config;
        this.opener = opener;
    }

    /** The engine, opened on first use (starting or attaching to the database). */
    public Engine engine() {
        if (engine == null) {
            engine = opener.apply(config);
        }
        return engine;
    }

    /**
     * The operations API. When no DAG processor has read the dags folder yet, it reads it once
     * (in a child process) first and says so.
     */
    public Operations operations() {
        Operations client = engine().operations();
        if (!dagsChecked) {
            dagsChecked = true;
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

    /** The command tree: Gale's commands and the added ones. */
    private CommandLine commandLine(GaleCommand top) {
        CommandLine cmd = new CommandLine(top);
        extraCommands.forEach(cmd::addSubcommand);
        cmd.setExpandAtFiles(false);
        cmd.registerConverter(Duration.class, new DurationConverter());
        return cmd;
    }

    /**
     * Parses {@code args} as {@link #run} would, running nothing (to check a command line written
     * elsewhere, e.g. in a compose file); throws picocli's {@code ParameterException} on bad ones.
     */
    public void parse(String... args) {
        commandLine(new GaleCommand(this)).parseArgs(args);
    }

    public int run(PrintWriter out, PrintWriter err, String... args) {
        GaleCommand top = new GaleCommand(this);
        CommandLine cmd = commandLine(top);
        cmd.setOut(out);
        cmd.setErr(err);
        this.err = err;
        cmd.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            err.println("Error: " + mask(shorten(e.getMessage())));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for its usage.");
            err.flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("Error: " + mask(message(e)));
            if (top.verbose) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                err.print(mask(trace.toString()));
            }
            err.flush();
            return 1;
        });
        try {
            return cmd.execute(args);
        } finally {
            if (engine != null) {
                engine.close();
                engine = null;
                dagsChecked = false;
            }
            out.flush();
            err.flush();
        }
    }

    /** The text with the configured database password and any password in a URL masked. */
    private String mask(String text) {
        List<String> secrets = new ArrayList<>(List.of(Secrets.passwordsIn(config.databaseUrl())));
        secrets.add(config.databasePassword());
        return Secrets.mask(text, secrets.toArray(String[]::new));
    }

    /**
     * One line of at most {@value #MAX_MESSAGE} characters: quoted values longer than
     * {@value #MAX_QUOTED} characters (e.g. a whole file given as an argument) are cut with an ellipsis.
     */
    static String shorten(String message) {
        if (message == null) {
            return "unknown error";
        }
        String oneLine = message.strip().replaceAll("\\s*\\R\\s*", " ");
        Matcher quoted = QUOTED.matcher(oneLine);
        StringBuilder sb = new StringBuilder();
        while (quoted.find()) {
            quoted.appendReplacement(sb, Matcher.quoteReplacement(
                    "'" + quoted.group(1).substring(0, MAX_QUOTED) + Text.ELLIPSIS + "'"));
        }
        quoted.appendTail(sb);
        return Text.abbreviate(sb.toString(), MAX_MESSAGE);
    }

    static String message(Throwable e) {
        if (e instanceof GaleException || e instanceof StoreException || e instanceof ConfigException
                || e instanceof DagValidationException || e instanceof IllegalArgumentException
                || e instanceof io.gale.api.ModelRegistryException) {
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
        return s == null ? "unknown error" : shorten(s.lines().findFirst().orElse(""));
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
            io.gale.logging.LogFormat.configure(System.getenv());
            config = GaleConfig.fromEnvironment();
        } catch (ConfigException e) {
            err.println("Error: " + Secrets.mask(shorten(e.getMessage()), Secrets.passwordsIn(System.getenv("GALE_DATABASE_URL"))));
            return 1;
        }
        Cli cli = new Cli(config, Engine::open);
        for (Object c : extraCommands) {
            cli.addCommand(c);
        }
        return cli.run(out, err, args);
    }
}
