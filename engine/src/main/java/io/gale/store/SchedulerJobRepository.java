package io.gale.store;

import java.time.Instant;
import java.util.List;

/** Scheduler processes and their heartbeats. */
public interface SchedulerJobRepository {

    record Job(long id, String hostname, int pid, Instant startedAt, Instant latestHeartbeat, String state) {
    }

    long register(String hostname, long pid, Instant now);

    void heartbeat(long id, Instant now);

    void end(long id, String state);

    /** Running jobs whose heartbeat is older than {@code staleBefore} or whose process on this host is gone. */
    List<Job> running();

    void markFailed(List<Long> ids);
}
