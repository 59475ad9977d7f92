package io.gale.testing;

import io.gale.api.Dag;

/** Small DAGs for tests that only need one to exist. */
public final class Dags {

    private Dags() {
    }

    /** An unscheduled DAG with one task that returns 1. */
    public static Dag single(String dagId) {
        var dag = Dag.builder(dagId);
        dag.task("t", ctx -> 1);
        return dag.build();
    }
}
