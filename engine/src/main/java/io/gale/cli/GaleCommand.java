package io.gale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/** {@code gale}: the top-level command. */
@Command(name = "gale", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = GaleCommand.VersionProvider.class,
        description = "Gale: an Apache Airflow-style workflow engine for the JVM.",
        subcommands = {DagsCommand.class, TasksCommand.class, SchedulerCommand.class, StandaloneCommand.class,
                DagProcessorCommand.class, ModelsCommand.class, JobsCommand.class, PoolsCommand.class, WorkersCommand.class, WorkerCommand.class,
                GaleCommand.Db.class, GaleCommand.Version.class})
public final class GaleCommand implements Runnable {

    final Cli cli;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    GaleCommand(Cli cli) {
        this.cli = cli;
    }

    /** The CLI running this command: how commands added from other modules reach the engine. */
    public Cli cli() {
        return cli;
    }

    /** Gale's version, from the build. */
    public static String galeVersion() {
        return version();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String version() {
        try (InputStream in = GaleCommand.class.getResourceAsStream("/io/gale/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class VersionProvider implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gale " + version()};
        }
    }

    @Command(name = "version", description = "Print Gale's version.")
    static final class Version implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(version());
            return 0;
        }
    }

    @Command(name = "db", description = "Manage the metadata database.", subcommands = Db.Migrate.class)
    static final class Db implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "migrate", description = "Apply pending migrations (every command also does this on first use).")
        static final class Migrate implements Callable<Integer> {
            @ParentCommand
            Db db;
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                GaleCommand top = (GaleCommand) spec.parent().parent().userObject();
                var database = top.cli.engine().database();
                int applied = database.migrationsApplied() + database.migrate();
                spec.commandLine().getOut().println("Database is up to date (" + database.description() + ")"
                        + (applied > 0 ? ", applied " + applied + " migrations" : ""));
                return 0;
            }
        }
    }
}
