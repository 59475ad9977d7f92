package io.gale.executor;

import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
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

    /**
     * Told once, by the scheduler that uses it and before its first {@link #submit}, that
     * scheduler's job id (an executor whose tries outlive the scheduler's process labels them with it).
     */
    default void start(long schedulerJobId) {
    }

    /**
     * Of {@code orphans}, tries still running whose scheduler died, those this executor can still
     * see running (or ended and not yet reported) and takes over: it reports their ends through
     * {@link #poll} as for tries it started. The scheduler gives the others up for lost. None by default.
     */
    default List<TaskKey> adopt(List<TaskInstance> orphans) {
        return List.of();
    }

    /** Wakes a thread blocked in {@link #poll} (a run was triggered, a DAG unpaused, ...). */
    void wakeUp();

    @Override
    void close();
}
