package io.gale.webui;

import io.gale.cli.Cli;
import io.gale.operators.recsys.cli.RecVaeCommand;

/** The assembled application's entry point: the {@code gale} command line. */
public final class Gale {

    private Gale() {
    }

    public static void main(String[] args) {
        System.exit(Cli.mainExitCode(args, new RecVaeCommand()));
    }
}
