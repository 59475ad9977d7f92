package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.JooqStore.odt;
import static io.gale.store.jooq.Tables.EDGE_JOB;
import static io.gale.store.jooq.Tables.EDGE_WORKER;
import static io.gale.store.jooq.Tables.TASK_INSTANCE;
import static io.gale.store.jooq.Tables.WORKER_TOKEN;

import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@link EdgeRepository} on PostgreSQL. */
final class JooqEdge implements EdgeRepository {

    private static final String QUEUED = "queued";
    private static final String RUNNING = "running";
    private static final String REPORTED = "reported";
    private static final String TAKEN = "taken";

    private final DSLContext dsl;

    JooqEdge(DSLContext dsl) {
        this.dsl = dsl;
    }

    private static Condition job(TaskKey k, int tryNumber) {
        return EDGE_JOB.DAG_ID.eq(k.dagId()).and(EDGE_JOB.RUN_ID.eq(k.runId())).and(EDGE_JOB.TASK_ID.eq(k.taskId()))
                .and(EDGE_JOB.TRY_NUMBER.eq(tryNumber));
    }

    /**
     * The job's task instance still runs the job's try (or was cleared while it runs: its end is
     * still reported, and the scheduler then sets it back to none, as with the local executor).
     */
    private static Condition current() {
        return DSL.exists(DSL.selectOne().from(TASK_INSTANCE).where(TASK_INSTANCE.DAG_ID.eq(EDGE_JOB.DAG_ID),
                TASK_INSTANCE.RUN_ID.eq(EDGE_JOB.RUN_ID), TASK_INSTANCE.TASK_ID.eq(EDGE_JOB.TASK_ID),
                TASK_INSTANCE.TRY_NUMBER.eq(EDGE_JOB.TRY_NUMBER),
                TASK_INSTANCE.STATE.in(TaskState.RUNNING, TaskState.RESTARTING)));
    }

    /** The job's task instance runs the job's try. */
    private static Condition running() {
        return DSL.exists(DSL.selectOne().from(TASK_INSTANCE).where(TASK_INSTANCE.DAG_ID.eq(EDGE_JOB.DAG_ID),
                TASK_INSTANCE.RUN_ID.eq(EDGE_JOB.RUN_ID), TASK_INSTANCE.TASK_ID.eq(EDGE_JOB.TASK_ID),
                TASK_INSTANCE.TRY_NUMBER.eq(EDGE_JOB.TRY_NUMBER), TASK_INSTANCE.STATE.eq(TaskState.RUNNING)));
    }

    @Override
    public void enqueue(Collection<NewJob> jobs, Instant now) {
        if (jobs.isEmpty()) return;
        var v = Unnest.byTask(jobs, NewJob::key).integer("try_number", NewJob::tryNumber).integer("max_tries", NewJob::maxTries)
                .text("queue", NewJob::queue).text("owner", NewJob::owner).text("workload", NewJob::workload);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            insertJobs(tx, v, now);
            for (String queue : jobs.stream().map(NewJob::queue).distinct().toList()) {
                // delivered when this transaction commits: waiting claims of remote workers wake and find the rows
                tx.execute("select pg_notify(?, ?)", ChangeListener.EDGE_JOBS, queue);
            }
        });
    }

    private static void insertJobs(DSLContext dsl, Unnest<NewJob> v, Instant now) {
        dsl.insertInto(EDGE_JOB, EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER, EDGE_JOB.MAX_TRIES,
                        EDGE_JOB.QUEUE, EDGE_JOB.OWNER, EDGE_JOB.WORKLOAD, EDGE_JOB.STATE, EDGE_JOB.QUEUED_AT)
                .select(DSL.select(Unnest.field("dag_id", EDGE_JOB.DAG_ID.getDataType()), Unnest.field("run_id", EDGE_JOB.RUN_ID.getDataType()),
                        Unnest.field("task_id", EDGE_JOB.TASK_ID.getDataType()), Unnest.field("try_number", EDGE_JOB.TRY_NUMBER.getDataType()),
                        Unnest.field("max_tries", EDGE_JOB.MAX_TRIES.getDataType()), Unnest.field("queue", EDGE_JOB.QUEUE.getDataType()),
                        Unnest.field("owner", EDGE_JOB.OWNER.getDataType()), Unnest.field("workload", EDGE_JOB.WORKLOAD.getDataType()),
                        DSL.val(QUEUED), DSL.val(odt(now))).from(v.table()))
                .onConflict(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER).doUpdate()
                .set(EDGE_JOB.STATE, QUEUED).set(EDGE_JOB.OWNER, DSL.excluded(EDGE_JOB.OWNER))
                .set(EDGE_JOB.WORKLOAD, DSL.excluded(EDGE_JOB.WORKLOAD)).set(EDGE_JOB.QUEUE, DSL.excluded(EDGE_JOB.QUEUE))
                .setNull(EDGE_JOB.WORKER).setNull(EDGE_JOB.REPORT).setNull(EDGE_JOB.CLAIMED_AT)
                .execute();
    }

    @Override
    public List<Claimed> claim(String worker, Collection<String> queues, int max, Instant now) {
        if (queues.isEmpty() || max < 1) return List.of();
        var e = EDGE_JOB.as("e");
        var picked = DSL.select(e.DAG_ID, e.RUN_ID, e.TASK_ID, e.TRY_NUMBER).from(e)
                .where(e.STATE.eq(QUEUED), e.QUEUE.in(queues), DSL.exists(DSL.selectOne().from(TASK_INSTANCE).where(
                        TASK_INSTANCE.DAG_ID.eq(e.DAG_ID), TASK_INSTANCE.RUN_ID.eq(e.RUN_ID), TASK_INSTANCE.TASK_ID.eq(e.TASK_ID),
                        TASK_INSTANCE.TRY_NUMBER.eq(e.TRY_NUMBER), TASK_INSTANCE.STATE.eq(TaskState.RUNNING))))
                .orderBy(e.QUEUED_AT).limit(max).forUpdate().skipLocked();
        return dsl.update(EDGE_JOB).set(EDGE_JOB.STATE, RUNNING).set(EDGE_JOB.WORKER, worker).set(EDGE_JOB.CLAIMED_AT, odt(now))
                .where(DSL.row(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER).in(picked))
                .returning(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER, EDGE_JOB.WORKLOAD)
                .fetch(r -> new Claimed(new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()), r.getTryNumber(), r.getWorkload()));
    }

    @Override
    public boolean holds(String worker, TaskKey key, int tryNumber) {
        return dsl.fetchExists(DSL.selectOne().from(EDGE_JOB).where(job(key, tryNumber), EDGE_JOB.WORKER.eq(worker),
                EDGE_JOB.STATE.eq(RUNNING), current()));
    }

    @Override
    public boolean report(String worker, TaskKey key, int tryNumber, String event) {
        return dsl.update(EDGE_JOB).set(EDGE_JOB.STATE, REPORTED).set(EDGE_JOB.REPORT, event)
                .where(job(key, tryNumber), EDGE_JOB.WORKER.eq(worker), EDGE_JOB.STATE.eq(RUNNING), current())
                .execute() > 0;
    }

    @Override
    public List<Report> takeReports(String owner) {
        return dsl.update(EDGE_JOB).set(EDGE_JOB.STATE, TAKEN).where(EDGE_JOB.OWNER.eq(owner), EDGE_JOB.STATE.eq(REPORTED))
                .returning(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER, EDGE_JOB.REPORT)
                .fetch(r -> new Report(new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()), r.getTryNumber(), r.getReport()));
    }

    @Override
    public List<Lost> takeLost(String owner, Instant staleBefore) {
        Condition alive = DSL.exists(DSL.selectOne().from(EDGE_WORKER).where(EDGE_WORKER.NAME.eq(EDGE_JOB.WORKER),
                EDGE_WORKER.LAST_HEARTBEAT.ge(odt(staleBefore)), EDGE_WORKER.STATE.eq(WorkerState.RUNNING.id())));
        return dsl.deleteFrom(EDGE_JOB).where(EDGE_JOB.OWNER.eq(owner), EDGE_JOB.STATE.eq(RUNNING), DSL.not(alive))
                .returning(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER, EDGE_JOB.MAX_TRIES, EDGE_JOB.WORKER,
                        EDGE_JOB.WORKLOAD)
                .fetch(r -> new Lost(new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()), r.getTryNumber(), r.getMaxTries(),
                        r.getWorker(), r.getWorkload()));
    }

    @Override
    public List<Claimed> deleteStale(String owner) {
        return dsl.deleteFrom(EDGE_JOB).where(EDGE_JOB.OWNER.eq(owner), EDGE_JOB.STATE.eq(QUEUED), DSL.not(running()))
                .returning(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER)
                .fetch(r -> new Claimed(new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()), r.getTryNumber(), null));
    }

    @Override
    public List<TaskKey> adopt(Collection<Orphan> orphans, String owner) {
        if (orphans.isEmpty()) return List.of();
        var v = Unnest.byTask(orphans, Orphan::key).integer("try_number", Orphan::tryNumber)
                .text("prefix", o -> o.scheduler() + ":");
        return dsl.update(EDGE_JOB).set(EDGE_JOB.OWNER, owner)
                .set(EDGE_JOB.STATE, DSL.when(EDGE_JOB.STATE.eq(TAKEN), DSL.val(REPORTED)).otherwise(EDGE_JOB.STATE))
                .from(v.table())
                .where(EDGE_JOB.DAG_ID.eq(Unnest.field("dag_id", EDGE_JOB.DAG_ID.getDataType())),
                        EDGE_JOB.RUN_ID.eq(Unnest.field("run_id", EDGE_JOB.RUN_ID.getDataType())),
                        EDGE_JOB.TASK_ID.eq(Unnest.field("task_id", EDGE_JOB.TASK_ID.getDataType())),
                        EDGE_JOB.TRY_NUMBER.eq(Unnest.field("try_number", EDGE_JOB.TRY_NUMBER.getDataType())),
                        EDGE_JOB.OWNER.startsWith(Unnest.field("prefix", EDGE_JOB.OWNER.getDataType())))
                .returning(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID)
                .fetch(r -> new TaskKey(r.getDagId(), r.getRunId(), r.getTaskId()));
    }

    @Override
    public List<Claimed> owned(String owner) {
        return dsl.select(EDGE_JOB.DAG_ID, EDGE_JOB.RUN_ID, EDGE_JOB.TASK_ID, EDGE_JOB.TRY_NUMBER).from(EDGE_JOB)
                .where(EDGE_JOB.OWNER.eq(owner))
                .fetch(r -> new Claimed(new TaskKey(r.value1(), r.value2(), r.value3()), r.value4(), null));
    }

    @Override
    public int deleteEnded() {
        return dsl.deleteFrom(EDGE_JOB).where(DSL.not(current())).execute();
    }

    @Override
    public List<QueueDepth> queueDepths() {
        return dsl.select(EDGE_JOB.QUEUE, TASK_INSTANCE.POOL, DSL.count()).from(EDGE_JOB).join(TASK_INSTANCE)
                .on(TASK_INSTANCE.DAG_ID.eq(EDGE_JOB.DAG_ID), TASK_INSTANCE.RUN_ID.eq(EDGE_JOB.RUN_ID),
                        TASK_INSTANCE.TASK_ID.eq(EDGE_JOB.TASK_ID))
                .where(EDGE_JOB.STATE.eq(QUEUED))
                .groupBy(EDGE_JOB.QUEUE, TASK_INSTANCE.POOL)
                .fetch(r -> new QueueDepth(r.value1(), r.value2(), r.value3()));
    }

    @Override
    public void heartbeat(String name, List<String> queues, int concurrency, int running, WorkerState state, Instant now) {
        String q = String.join(",", queues);
        dsl.insertInto(EDGE_WORKER).set(EDGE_WORKER.NAME, name).set(EDGE_WORKER.QUEUES, q).set(EDGE_WORKER.STATE, state.id())
                .set(EDGE_WORKER.CONCURRENCY, concurrency).set(EDGE_WORKER.RUNNING, running)
                .set(EDGE_WORKER.FIRST_SEEN, odt(now)).set(EDGE_WORKER.LAST_HEARTBEAT, odt(now))
                .onConflict(EDGE_WORKER.NAME).doUpdate().set(EDGE_WORKER.QUEUES, q).set(EDGE_WORKER.STATE, state.id())
                .set(EDGE_WORKER.CONCURRENCY, concurrency).set(EDGE_WORKER.RUNNING, running).set(EDGE_WORKER.LAST_HEARTBEAT, odt(now))
                .execute();
    }

    @Override
    public int release(String worker) {
        return dsl.update(EDGE_JOB).setNull(EDGE_JOB.WORKER).where(EDGE_JOB.WORKER.eq(worker), EDGE_JOB.STATE.eq(RUNNING)).execute();
    }

    @Override
    public List<String> markLost(Instant staleBefore) {
        return dsl.update(EDGE_WORKER).set(EDGE_WORKER.STATE, WorkerState.LOST.id())
                .where(EDGE_WORKER.STATE.eq(WorkerState.RUNNING.id()), EDGE_WORKER.LAST_HEARTBEAT.lt(odt(staleBefore)))
                .returning(EDGE_WORKER.NAME).fetch(r -> r.getName());
    }

    @Override
    public List<Worker> workers() {
        return dsl.selectFrom(EDGE_WORKER).orderBy(EDGE_WORKER.NAME).fetch(r -> new Worker(r.getName(),
                r.getQueues().isEmpty() ? List.of() : Arrays.asList(r.getQueues().split(",")), WorkerState.of(r.getState()),
                r.getConcurrency(), r.getRunning(), instant(r.getFirstSeen()), instant(r.getLastHeartbeat())));
    }

    @Override
    public Optional<WorkerState> workerState(String name) {
        return dsl.select(EDGE_WORKER.STATE).from(EDGE_WORKER).where(EDGE_WORKER.NAME.eq(name)).fetchOptional(r -> WorkerState.of(r.value1()));
    }

    @Override
    public boolean createToken(String name, String hash, Instant now) {
        return dsl.insertInto(WORKER_TOKEN).set(WORKER_TOKEN.NAME, name).set(WORKER_TOKEN.TOKEN_HASH, hash)
                .set(WORKER_TOKEN.CREATED_AT, odt(now))
                .onConflict(WORKER_TOKEN.NAME).doUpdate().set(WORKER_TOKEN.TOKEN_HASH, hash).set(WORKER_TOKEN.CREATED_AT, odt(now))
                .setNull(WORKER_TOKEN.REVOKED_AT).where(WORKER_TOKEN.REVOKED_AT.isNotNull())
                .execute() > 0;
    }

    @Override
    public boolean revokeToken(String name, Instant now) {
        return dsl.update(WORKER_TOKEN).set(WORKER_TOKEN.REVOKED_AT, odt(now))
                .where(WORKER_TOKEN.NAME.eq(name), WORKER_TOKEN.REVOKED_AT.isNull()).execute() > 0;
    }

    @Override
    public Optional<String> tokenName(String hash) {
        return dsl.select(WORKER_TOKEN.NAME).from(WORKER_TOKEN).where(WORKER_TOKEN.TOKEN_HASH.eq(hash), WORKER_TOKEN.REVOKED_AT.isNull())
                .fetchOptional(r -> r.value1());
    }
}
