package io.gale.executor;

import io.gale.api.Dag;
import io.gale.core.SerializedDag;

/** Where the executor gets a DAG's code to run its tasks: loaded from the file (or class) it was serialized from. */
public interface DagCode {

    /**
     * The DAG's code. Throws {@link io.gale.core.GaleException} with a one-line reason when it
     * cannot be loaded; a file that broke after the DAG was serialized keeps its last good code.
     */
    Dag load(SerializedDag dag);
}
