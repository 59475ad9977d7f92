package io.gale.cli;

import io.gale.client.Operations;
import io.gale.runtime.Engine;
import io.gale.core.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand needs: the operations API (or the engine), its output, and JSON printing. */
@picocli.CommandLine.Command
abstract class Sub {

    @Spec
    CommandSpec spec;

    /** The operations API. */
    Operations client() {
        return ((GaleCommand) spec.root().userObject()).cli.operations();
    }

    /** The operations API without reading the dags folder first (for commands that never touch DAGs). */
    Operations clientWithoutDags() {
        return ((GaleCommand) spec.root().userObject()).cli.engine().operations();
    }

    /** The composition root, for the commands that run services or tasks in this process. */
    Engine engine() {
        return ((GaleCommand) spec.root().userObject()).cli.engine();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void json(Object value) {
        out().println(Json.pretty(value));
        out().flush();
    }

    /**
     * Asks a yes/no question on the terminal; without a terminal it refuses with a hint to pass
     * {@code -y}. Returns true on "y".
     */
    boolean confirm(String question, String refusal) throws java.io.IOException {
        if (System.console() == null) {
            throw new io.gale.core.BadRequestException(refusal + " without confirmation: pass -y to go ahead non-interactively");
        }
        out().print(question + " [y/n] ");
        out().flush();
        String answer = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.trim().equalsIgnoreCase("y");
    }

    /** Checks an {@code -o} value. */
    static boolean isJson(String output) {
        if (!output.equals("json") && !output.equals("table")) {
            throw new io.gale.core.BadRequestException("unknown output format '" + output + "': use table or json");
        }
        return output.equals("json");
    }
}
