package io.gale.webui;

import io.gale.cli.Cli;
import io.gale.operators.models.cli.ServeCommand;
import io.gale.operators.recsys.cli.RecVaeCommand;

/** The assembled application's entry point: the {@code gale} command line. */
public final class Gale {

    private Gale() {
    }

    /** Commands that run until stopped log what they do at INFO; the others keep stderr for errors. */
    private static final java.util.Set<String> SERVICES = java.util.Set.of("scheduler", "standalone", "dag-processor", "serve", "webserver");

    public static void main(String[] args) {
        String command = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        if (SERVICES.contains(command)
                && System.getProperty("org.slf4j.simpleLogger.log.io.gale") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.gale", "info");
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        }
        System.exit(Cli.mainExitCode(args, commands()));
    }

    /** The commands this application adds to the engine's (the web server, the model server, RecVAE, users). */
    public static Object[] commands() {
        return new Object[] {new RecVaeCommand(), new ServeCommand(), new io.gale.web.WebserverCommand(), new io.gale.web.UsersCommand()};
    }
}
