package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.CALLBACK_OUTBOX;
import static io.gale.store.jooq.Tables.SCHEDULER_JOB;

import io.gale.core.JobState;
import io.gale.core.TaskKey;
import io.gale.store.jooq.tables.records.CallbackOutboxRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@link CallbackOutboxRepository} on PostgreSQL. */
final class JooqCallbackOutbox implements CallbackOutboxRepository {

    private static final io.gale.store.jooq.tables.CallbackOutbox C = CALLBACK_OUTBOX;

    private final DSLContext dsl;

    JooqCallbackOutbox(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** One statement for all rows ({@code insert ... select from unnest(...)}). */
    @Override
    public void addAll(Collection<NewCallback> callbacks, Instant now) {
        if (callbacks.isEmpty()) return;
        var v = Unnest.byTask(callbacks, NewCallback::key).integer("try_number", NewCallback::tryNumber)
                .text("kind", c -> c.kind().id()).text("state", c -> c.state().id()).text("error", NewCallback::error);
        var t = DSL.val(odt(now), C.CREATED_AT);
        dsl.insertInto(C, C.DAG_ID, C.RUN_ID, C.TASK_ID, C.TRY_NUMBER, C.KIND, C.STATE, C.ERROR, C.CREATED_AT, C.NEXT_ATTEMPT_AT)
                .select(DSL.select(Unnest.field("dag_id", C.DAG_ID.getDataType()), Unnest.field("run_id", C.RUN_ID.getDataType()),
                        Unnest.field("task_id", C.TASK_ID.getDataType()), Unnest.field("try_number", C.TRY_NUMBER.getDataType()),
                        Unnest.field("kind", C.KIND.getDataType()), Unnest.field("state", C.STATE.getDataType()),
                        Unnest.field("error", C.ERROR.getDataType()), t, t).from(v.table()))
                .onConflictDoNothing()
                .execute();
    }

    @Override
    public List<Claimed> claim(long owner, Instant now, Instant leaseUntil, int limit) {
        if (limit <= 0) return List.of();
        OffsetDateTime t = odt(now);
        Condition free = C.LEASE_UNTIL.isNull().or(C.LEASE_UNTIL.le(t))
                .or(C.LEASE_OWNER.notIn(DSL.select(SCHEDULER_JOB.ID).from(SCHEDULER_JOB).where(SCHEDULER_JOB.STATE.eq(JobState.RUNNING))));
        var due = DSL.select(C.ID).from(C)
                .where(C.DELIVERED_AT.isNull(), C.FAILED_AT.isNull(), C.NEXT_ATTEMPT_AT.le(t), free)
                .orderBy(C.NEXT_ATTEMPT_AT, C.ID).limit(limit)
                .forUpdate().skipLocked();
        return dsl.update(C).set(C.LEASE_OWNER, owner).set(C.LEASE_UNTIL, odt(leaseUntil)).set(C.ATTEMPTS, C.ATTEMPTS.plus(1))
                .where(C.ID.in(due))
                .returning()
                .fetch(r -> new Claimed(r.getId(), new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()), r.getTryNumber(),
                        r.getKind(), r.getState(), r.getError(), r.getAttempts()))
                .stream().sorted(java.util.Comparator.comparingLong(Claimed::id)).toList();
    }

    private static Condition held(long id, long owner) {
        return C.ID.eq(id).and(C.LEASE_OWNER.eq(owner)).and(C.DELIVERED_AT.isNull()).and(C.FAILED_AT.isNull());
    }

    @Override
    public boolean delivered(long id, long owner, Instant now) {
        return dsl.update(C).set(C.DELIVERED_AT, odt(now)).setNull(C.LEASE_UNTIL).where(held(id, owner)).execute() == 1;
    }

    @Override
    public boolean retryAt(long id, long owner, Instant nextAttempt, String error) {
        return dsl.update(C).set(C.NEXT_ATTEMPT_AT, odt(nextAttempt)).set(C.LAST_ERROR, error).setNull(C.LEASE_UNTIL)
                .where(held(id, owner)).execute() == 1;
    }

    @Override
    public boolean failed(long id, long owner, Instant now, String error) {
        return dsl.update(C).set(C.FAILED_AT, odt(now)).set(C.LAST_ERROR, error).setNull(C.LEASE_UNTIL)
                .where(held(id, owner)).execute() == 1;
    }

    @Override
    public List<Entry> forTask(TaskKey k) {
        return dsl.selectFrom(C).where(C.DAG_ID.eq(k.dagId()), C.RUN_ID.eq(k.runId()), C.TASK_ID.eq(k.taskId()))
                .orderBy(C.ID).fetch(JooqCallbackOutbox::entry);
    }

    @Override
    public List<Entry> forRun(String dagId, String runId) {
        return dsl.selectFrom(C).where(C.DAG_ID.eq(dagId), C.RUN_ID.eq(runId)).orderBy(C.ID).fetch(JooqCallbackOutbox::entry);
    }

    @Override
    public int countPending() {
        return dsl.fetchCount(C, C.DELIVERED_AT.isNull().and(C.FAILED_AT.isNull()));
    }

    private static Entry entry(CallbackOutboxRecord r) {
        return new Entry(r.getId(), new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()), r.getTryNumber(), r.getKind(),
                r.getState(), r.getError(), instant(r.getCreatedAt()), r.getAttempts(), instant(r.getNextAttemptAt()),
                r.getLeaseOwner(), instant(r.getLeaseUntil()), instant(r.getDeliveredAt()), instant(r.getFailedAt()),
                r.getLastError());
    }
}
