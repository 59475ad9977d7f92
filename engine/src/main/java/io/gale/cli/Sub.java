package io.gale.cli;

import io.gale.client.GaleClient;
import io.gale.core.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand needs: the client, its output, and JSON printing. */
@picocli.CommandLine.Command
abstract class Sub {

    @Spec
    CommandSpec spec;

    GaleClient client() {
        return ((GaleCommand) spec.root().userObject()).cli.client();
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

    /** Checks an {@code -o} value. */
    static boolean isJson(String output) {
        if (!output.equals("json") && !output.equals("table")) {
            throw new io.gale.core.BadRequestException("unknown output format '" + output + "': use table or json");
        }
        return output.equals("json");
    }
}
