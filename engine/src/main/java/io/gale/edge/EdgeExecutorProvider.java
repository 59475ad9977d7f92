package io.gale.edge;

import io.gale.executor.Executor;
import io.gale.runtime.Engine;
import io.gale.runtime.ExecutorProvider;
import java.time.Clock;

/** {@code GALE_EXECUTOR=edge}: tries run on remote workers ({@link EdgeExecutor}). */
public final class EdgeExecutorProvider implements ExecutorProvider {

    @Override
    public String name() {
        return "edge";
    }

    /**
     * {@code GALE_PARALLELISM} tries out at once; a worker silent for {@code GALE_ZOMBIE_THRESHOLD}
     * is lost and its tries end (their callbacks go through the scheduler's outbox, as every end's do).
     */
    @Override
    public Executor create(Engine engine) {
        return new EdgeExecutor(engine.store(), Clock.systemUTC(), engine.config().parallelism(), engine.config().zombieThreshold(),
                engine.config().heartbeat());
    }
}
