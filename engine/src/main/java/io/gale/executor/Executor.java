package io.gale.executor;

import java.time.Duration;
import java.util.List;

/** Runs task tries somewhere and reports their ends. */
public interface Executor extends AutoCloseable {

    /** Starts a try; the caller checks {@link #openSlots()} first. */
    void submit(TaskWorkload workload);

    /** How many more tries can run at once. */
    int openSlots();

    /** Tries submitted and not yet reported. */
    int running();

    /** Ends reported since the last call, waiting up to {@code timeout} for the first one. */
    List<TaskEvent> poll(Duration timeout) throws InterruptedException;

    /** Process groups that running tries started since the last call. */
    List<io.gale.store.TaskInstanceRepository.ProcessGroup> processGroups();

    /** Wakes a thread blocked in {@link #poll} (a run was triggered, a DAG unpaused, ...). */
    void wakeUp();

    @Override
    void close();
}
