package io.gale.operators.models.cli;

import io.gale.operators.models.DeployModelOperator;
import io.gale.operators.models.ModelServer;
import io.gale.runtime.Companion;
import io.gale.runtime.Engine;
import java.io.PrintWriter;
import java.time.Duration;

/** {@code gale standalone --serve}: the model server with {@code gale serve}'s defaults, beside the scheduler. */
public final class ServeCompanion implements Companion {

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public boolean startsByDefault() {
        return false;
    }

    @Override
    public AutoCloseable start(Engine engine, Integer port, PrintWriter out, PrintWriter err) throws Exception {
        ModelServer server = ServeCommand.start(engine, "0.0.0.0", 8000, "recvae", DeployModelOperator.DEFAULT_CONN, null,
                Duration.ofSeconds(30), err);
        out.println("  model server: http://0.0.0.0:" + server.port() + " (model recvae, "
                + server.served().map(s -> "version " + s.version().version()).orElse("no production version yet") + ")");
        return server;
    }
}
