package io.gale.store;

import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** DAG runs. */
public interface DagRunRepository {

    /** Creates the run; throws {@link io.gale.core.ConflictException} when its run id or logical date is taken. */
    DagRun create(NewDagRun run);

    Optional<DagRun> find(String dagId, String runId);

    Optional<DagRun> findByLogicalDate(String dagId, Instant logicalDate);

    /** Deletes a run with its task instances, XComs and logs. */
    boolean delete(String dagId, String runId);

    /** Runs of a DAG, newest logical date first. */
    List<DagRun> list(String dagId);

    /** Runs in state queued or running, oldest first. */
    List<DagRun> active();

    /** Sets the state; start date is set on the first move to running, end date on a finished state. */
    void setState(String dagId, String runId, DagRunState state, Instant now);
}
