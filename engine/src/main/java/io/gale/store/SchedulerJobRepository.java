package io.gale.store;

import io.gale.core.JobState;
import io.gale.core.ProcessIdentity;
import java.time.Instant;
import java.util.List;

/** Scheduler processes and their heartbeats. */
public interface SchedulerJobRepository {

    /** A scheduler process as recorded: its row id, who it is, and its latest heartbeat. */
    record Job(long id, ProcessIdentity process, Instant startedAt, Instant latestHeartbeat, JobState state) {
    }

    /** Records a running scheduler; returns its row id. */
    long register(ProcessIdentity process, Instant now);

    void heartbeat(long id, Instant now);

    void end(long id, JobState state);

    /** Jobs recorded as running. */
    List<Job> running();

    void markFailed(List<Long> ids);
}
