package io.gale.operators;

import io.gale.api.Operator;
import io.gale.api.TaskContext;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Airflow's PythonOperator for Java: runs a callable or a lambda. Its result becomes the task's
 * {@code return_value}.
 */
public final class CallableOperator<O> implements Operator<O> {

    private final Operator<O> body;

    private CallableOperator(Operator<O> body) {
        this.body = body;
    }

    /** A callable that needs no context. */
    public static <O> CallableOperator<O> of(Callable<O> callable) {
        return new CallableOperator<>(ctx -> callable.call());
    }

    /** A function of the task context. */
    public static <O> CallableOperator<O> of(Operator<O> function) {
        return new CallableOperator<>(function);
    }

    /** A side effect with no return value. */
    public static CallableOperator<Void> run(Consumer<TaskContext> action) {
        return new CallableOperator<>(ctx -> {
            action.accept(ctx);
            return null;
        });
    }

    @Override
    public O execute(TaskContext ctx) throws Exception {
        return body.execute(ctx);
    }
}
