package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.SCHEDULER_JOB;

import io.gale.core.JobState;
import io.gale.core.ProcessIdentity;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;

/** {@link SchedulerJobRepository} on PostgreSQL. */
final class JooqSchedulerJobs implements SchedulerJobRepository {

    private final DSLContext dsl;

    JooqSchedulerJobs(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public long register(ProcessIdentity p, Instant now) {
        return dsl.insertInto(SCHEDULER_JOB).set(SCHEDULER_JOB.JOB_UUID, p.uuid()).set(SCHEDULER_JOB.HOSTNAME, p.hostname())
                .set(SCHEDULER_JOB.PID, (int) p.pid()).set(SCHEDULER_JOB.MACHINE_ID, p.machineId())
                .set(SCHEDULER_JOB.PROCESS_STARTED_AT, odt(p.started()))
                .set(SCHEDULER_JOB.STARTED_AT, odt(now)).set(SCHEDULER_JOB.LATEST_HEARTBEAT, odt(now))
                .returning(SCHEDULER_JOB.ID).fetchOne().getId();
    }

    @Override
    public void heartbeat(long id, Instant now) {
        dsl.update(SCHEDULER_JOB).set(SCHEDULER_JOB.LATEST_HEARTBEAT, odt(now)).where(SCHEDULER_JOB.ID.eq(id)).execute();
    }

    @Override
    public void end(long id, JobState state) {
        dsl.update(SCHEDULER_JOB).set(SCHEDULER_JOB.STATE, state).where(SCHEDULER_JOB.ID.eq(id)).execute();
    }

    @Override
    public List<Job> running() {
        return dsl.selectFrom(SCHEDULER_JOB).where(SCHEDULER_JOB.STATE.eq(JobState.RUNNING))
                .fetch(r -> new Job(r.getId(), new ProcessIdentity(r.getJobUuid(), r.getHostname(),
                        r.getMachineId(), r.getPid(), instant(r.getProcessStartedAt())), instant(r.getStartedAt()),
                        instant(r.getLatestHeartbeat()), r.getState()));
    }

    @Override
    public void markFailed(List<Long> ids) {
        dsl.update(SCHEDULER_JOB).set(SCHEDULER_JOB.STATE, JobState.FAILED).where(SCHEDULER_JOB.ID.in(ids)).execute();
    }
}
