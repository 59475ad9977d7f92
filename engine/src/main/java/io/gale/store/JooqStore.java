package io.gale.store;

import static io.gale.store.jooq.Tables.BACKFILL;
import static io.gale.store.jooq.Tables.CONNECTION;
import static io.gale.store.jooq.Tables.DAG;
import static io.gale.store.jooq.Tables.DAG_RUN;
import static io.gale.store.jooq.Tables.IMPORT_ERROR;
import static io.gale.store.jooq.Tables.SCHEDULER_JOB;
import static io.gale.store.jooq.Tables.TASK_INSTANCE;
import static io.gale.store.jooq.Tables.TASK_LOG;
import static io.gale.store.jooq.Tables.VARIABLE;
import static io.gale.store.jooq.Tables.XCOM;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.core.ConflictException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.Json;
import io.gale.core.RunType;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.store.jooq.tables.records.DagRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.Query;
import org.jooq.Row3;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/** The PostgreSQL store, with jOOQ. */
public final class JooqStore implements Store {

    private final DSLContext dsl;

    public JooqStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    public JooqStore(Database db) {
        this(db.dsl());
    }

    @Override
    public <T> T transaction(Function<Store, T> work) {
        return dsl.transactionResult(cfg -> work.apply(new JooqStore(DSL.using(cfg))));
    }

    /** Rows in a fixed order, so concurrent transactions lock them in the same order. */
    private static <T> List<T> sorted(Collection<T> items, Function<T, TaskKey> key) {
        return items.stream().sorted(java.util.Comparator.comparing(i -> key.apply(i).toString())).toList();
    }

    static OffsetDateTime odt(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static Condition ti(TaskKey k) {
        return TASK_INSTANCE.DAG_ID.eq(k.dagId()).and(TASK_INSTANCE.RUN_ID.eq(k.runId())).and(TASK_INSTANCE.TASK_ID.eq(k.taskId()));
    }

    @Override
    public DagRepository dags() {
        return new DagRepository() {
            @Override
            public void upsert(Collection<StoredDag> dags, boolean pausedAtCreation) {
                var now = OffsetDateTime.now(ZoneOffset.UTC);
                var queries = dags.stream().map(d -> dsl.insertInto(DAG)
                        .set(DAG.DAG_ID, d.dagId()).set(DAG.IS_PAUSED, pausedAtCreation).set(DAG.IS_ACTIVE, true)
                        .set(DAG.DESCRIPTION, d.description()).set(DAG.SCHEDULE, d.schedule())
                        .set(DAG.TIMEZONE, d.timezone()).set(DAG.TAGS, d.tags().toArray(String[]::new))
                        .set(DAG.FILELOC, d.fileloc()).set(DAG.MAX_ACTIVE_RUNS, d.maxActiveRuns())
                        .set(DAG.MAX_ACTIVE_TASKS, d.maxActiveTasks()).set(DAG.LAST_PARSED_AT, now)
                        .onConflict(DAG.DAG_ID).doUpdate()
                        .set(DAG.IS_ACTIVE, true)
                        .set(DAG.DESCRIPTION, d.description()).set(DAG.SCHEDULE, d.schedule())
                        .set(DAG.TIMEZONE, d.timezone()).set(DAG.TAGS, d.tags().toArray(String[]::new))
                        .set(DAG.FILELOC, d.fileloc()).set(DAG.MAX_ACTIVE_RUNS, d.maxActiveRuns())
                        .set(DAG.MAX_ACTIVE_TASKS, d.maxActiveTasks()).set(DAG.LAST_PARSED_AT, now))
                        .toList();
                if (!queries.isEmpty()) {
                    dsl.batch(queries).execute();
                }
            }

            @Override
            public void deactivateMissing(Collection<String> keep) {
                dsl.update(DAG).set(DAG.IS_ACTIVE, false)
                        .where(DAG.DAG_ID.notIn(keep)).and(DAG.IS_ACTIVE).execute();
            }

            @Override
            public Optional<StoredDag> find(String dagId) {
                return dsl.selectFrom(DAG).where(DAG.DAG_ID.eq(dagId)).fetchOptional(JooqStore::dag);
            }

            @Override
            public List<StoredDag> list() {
                return dsl.selectFrom(DAG).orderBy(DAG.DAG_ID).fetch(JooqStore::dag);
            }

            @Override
            public List<NextRun> lockDue(Instant now) {
                return dsl.selectFrom(DAG).where(DAG.IS_PAUSED.isFalse(), DAG.IS_ACTIVE.isTrue(),
                                DAG.NEXT_DAGRUN_CREATE_AFTER.le(odt(now)))
                        .orderBy(DAG.NEXT_DAGRUN_CREATE_AFTER).forUpdate().skipLocked()
                        .fetch(r -> new NextRun(r.getDagId(), instant(r.getNextDagrun()), instant(r.getNextDagrunDataIntervalStart()),
                                instant(r.getNextDagrunDataIntervalEnd()), instant(r.getNextDagrunCreateAfter())));
            }

            @Override
            public void setNext(String dagId, NextRun n, String signature) {
                dsl.update(DAG).set(DAG.SCHEDULE_SIGNATURE, signature)
                        .set(DAG.NEXT_DAGRUN, n == null ? null : odt(n.logicalDate()))
                        .set(DAG.NEXT_DAGRUN_DATA_INTERVAL_START, n == null ? null : odt(n.intervalStart()))
                        .set(DAG.NEXT_DAGRUN_DATA_INTERVAL_END, n == null ? null : odt(n.intervalEnd()))
                        .set(DAG.NEXT_DAGRUN_CREATE_AFTER, n == null ? null : odt(n.createAfter()))
                        .where(DAG.DAG_ID.eq(dagId)).execute();
            }

            @Override
            public Map<String, String> signatures() {
                Map<String, String> m = new HashMap<>();
                dsl.select(DAG.DAG_ID, DAG.SCHEDULE_SIGNATURE).from(DAG).where(DAG.SCHEDULE_SIGNATURE.isNotNull())
                        .forEach(r -> m.put(r.value1(), r.value2()));
                return m;
            }

            @Override
            public Optional<Instant> earliestCreateAfter() {
                return Optional.ofNullable(dsl.select(DSL.min(DAG.NEXT_DAGRUN_CREATE_AFTER)).from(DAG)
                        .where(DAG.IS_PAUSED.isFalse(), DAG.IS_ACTIVE.isTrue()).fetchOne(r -> instant(r.value1())));
            }

            @Override
            public boolean setPaused(String dagId, boolean paused) {
                return dsl.update(DAG).set(DAG.IS_PAUSED, paused).where(DAG.DAG_ID.eq(dagId)).execute() == 1;
            }
        };
    }

    private static StoredDag dag(DagRecord r) {
        return new StoredDag(r.getDagId(), r.getIsPaused(), r.getIsActive(), r.getDescription(), r.getSchedule(),
                r.getTimezone(), Arrays.asList(r.getTags()), r.getFileloc(), r.getMaxActiveRuns(),
                r.getMaxActiveTasks(), instant(r.getLastParsedAt()));
    }

    @Override
    public DagRunRepository runs() {
        return new DagRunRepository() {
            @Override
            public DagRun create(NewDagRun r) {
                try {
                    return insert(r).returning().fetchOne(JooqStore::run);
                } catch (IntegrityConstraintViolationException e) {
                    throw new ConflictException("DAG '" + r.dagId() + "' already has a run with run id '" + r.runId()
                            + "' or logical date " + r.logicalDate() + ": choose another with -r RUN_ID or -e LOGICAL_DATE");
                }
            }

            @Override
            public Optional<DagRun> find(String dagId, String runId) {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId))
                        .fetchOptional(JooqStore::run);
            }

            @Override
            public Optional<DagRun> findByLogicalDate(String dagId, Instant logicalDate) {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.LOGICAL_DATE.eq(odt(logicalDate)))
                        .fetchOptional(JooqStore::run);
            }

            @Override
            public boolean delete(String dagId, String runId) {
                return dsl.deleteFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId)).execute() == 1;
            }

            @Override
            public List<DagRun> list(String dagId) {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId))
                        .orderBy(DAG_RUN.LOGICAL_DATE.desc()).fetch(JooqStore::run);
            }

            private Condition scoped(Scope scope) {
                Condition c = DSL.trueCondition();
                if (scope.dagId() != null) c = c.and(DAG_RUN.DAG_ID.eq(scope.dagId()));
                if (scope.runId() != null) c = c.and(DAG_RUN.RUN_ID.eq(scope.runId()));
                if (scope.backfillId() != null) c = c.and(DAG_RUN.BACKFILL_ID.eq(scope.backfillId()));
                if (!scope.includePaused()) {
                    // a paused DAG starts nothing, except the runs of a backfill someone asked for
                    c = c.and(DAG_RUN.BACKFILL_ID.isNotNull()
                            .or(DAG_RUN.DAG_ID.in(DSL.select(DAG.DAG_ID).from(DAG).where(DAG.IS_PAUSED.isFalse()))));
                }
                return c;
            }

            @Override
            public List<DagRun> lockRunning(Scope scope, Collection<List<String>> only) {
                Condition c = scoped(scope).and(DAG_RUN.STATE.eq("running"));
                if (only != null) {
                    if (only.isEmpty()) return List.of();
                    c = c.and(DSL.row(DAG_RUN.DAG_ID, DAG_RUN.RUN_ID).in(only.stream().map(k -> DSL.row(k.get(0), k.get(1))).toList()));
                }
                return dsl.selectFrom(DAG_RUN).where(c).orderBy(DAG_RUN.ID).forUpdate().skipLocked().fetch(JooqStore::run);
            }

            @Override
            public List<QueuedGroup> queuedGroups(Scope scope) {
                return dsl.select(DAG_RUN.DAG_ID, DAG_RUN.BACKFILL_ID, DSL.count()).from(DAG_RUN)
                        .where(scoped(scope)).and(DAG_RUN.STATE.eq("queued"))
                        .groupBy(DAG_RUN.DAG_ID, DAG_RUN.BACKFILL_ID)
                        .fetch(r -> new QueuedGroup(r.value1(), r.value2(), r.value3()));
            }

            @Override
            public List<DagRun> lockQueued(Scope scope, String dagId, Long backfillId, int limit) {
                return dsl.selectFrom(DAG_RUN).where(scoped(scope)).and(DAG_RUN.STATE.eq("queued"))
                        .and(DAG_RUN.DAG_ID.eq(dagId))
                        .and(backfillId == null ? DAG_RUN.BACKFILL_ID.isNull() : DAG_RUN.BACKFILL_ID.eq(backfillId))
                        .orderBy(DAG_RUN.ID).limit(limit).forUpdate().skipLocked().fetch(JooqStore::run);
            }

            @Override
            public int countActive(String dagId) {
                return dsl.fetchCount(DAG_RUN, DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.STATE.in("queued", "running"),
                        DAG_RUN.BACKFILL_ID.isNull());
            }

            @Override
            public Map<List<Object>, Integer> runningCounts() {
                Map<List<Object>, Integer> m = new HashMap<>();
                dsl.select(DAG_RUN.DAG_ID, DAG_RUN.BACKFILL_ID, DSL.count()).from(DAG_RUN).where(DAG_RUN.STATE.eq("running"))
                        .groupBy(DAG_RUN.DAG_ID, DAG_RUN.BACKFILL_ID)
                        .forEach(r -> m.put(Arrays.asList(r.value1(), r.value2()), r.value3()));
                return m;
            }

            private org.jooq.InsertSetMoreStep<io.gale.store.jooq.tables.records.DagRunRecord> insert(NewDagRun r) {
                return dsl.insertInto(DAG_RUN)
                        .set(DAG_RUN.DAG_ID, r.dagId()).set(DAG_RUN.RUN_ID, r.runId())
                        .set(DAG_RUN.RUN_TYPE, r.runType().id()).set(DAG_RUN.LOGICAL_DATE, odt(r.logicalDate()))
                        .set(DAG_RUN.DATA_INTERVAL_START, odt(r.dataIntervalStart()))
                        .set(DAG_RUN.DATA_INTERVAL_END, odt(r.dataIntervalEnd()))
                        .set(DAG_RUN.STATE, r.state().id())
                        .set(DAG_RUN.CONF, JSONB.valueOf(Json.write(r.conf())))
                        .set(DAG_RUN.BACKFILL_ID, r.backfillId());
            }

            @Override
            public Optional<DagRun> createIfAbsent(NewDagRun r) {
                return insert(r).onConflictDoNothing().returning().fetchOptional().map(JooqStore::run);
            }

            @Override
            public int createAll(List<NewDagRun> runs) {
                int created = 0;
                for (int i = 0; i < runs.size(); i += 1000) {
                    int[] counts = dsl.batch(runs.subList(i, Math.min(runs.size(), i + 1000)).stream().map(r -> insert(r).onConflictDoNothing()).toList()).execute();
                    for (int c : counts) created += Math.max(c, 0);
                }
                return created;
            }

            @Override
            public Optional<DagRun> latestScheduled(String dagId) {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_TYPE.eq("scheduled"))
                        .orderBy(DAG_RUN.DATA_INTERVAL_END.desc()).limit(1).fetchOptional(JooqStore::run);
            }

            @Override
            public List<DagRun> between(String dagId, Instant from, Instant to) {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId),
                        DAG_RUN.LOGICAL_DATE.between(odt(from), odt(to))).orderBy(DAG_RUN.LOGICAL_DATE).fetch(JooqStore::run);
            }

            @Override
            public List<DagRun> ofBackfill(long backfillId) {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.BACKFILL_ID.eq(backfillId)).orderBy(DAG_RUN.ID).fetch(JooqStore::run);
            }

            @Override
            public void attachToBackfill(Collection<String> runIds, String dagId, long backfillId) {
                dsl.update(DAG_RUN).set(DAG_RUN.BACKFILL_ID, backfillId)
                        .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.in(runIds)).execute();
            }

            @Override
            public void setStates(Map<List<String>, DagRunState> states, Instant now) {
                if (states.isEmpty()) return;
                var t = odt(now);
                var q = dsl.update(DAG_RUN).set(DAG_RUN.STATE, (String) null)
                        .set(DAG_RUN.START_DATE, DSL.coalesce(DAG_RUN.START_DATE, DSL.val((OffsetDateTime) null)))
                        .set(DAG_RUN.END_DATE, (OffsetDateTime) null)
                        .where(DAG_RUN.DAG_ID.eq((String) null), DAG_RUN.RUN_ID.eq((String) null));
                var batch = dsl.batch(q);
                for (var e : states.entrySet().stream().sorted(java.util.Comparator.comparing(e -> e.getKey().toString())).toList()) {
                    batch = batch.bind(e.getValue().id(), t, e.getValue().finished() ? t : null, e.getKey().get(0), e.getKey().get(1));
                }
                batch.execute();
            }

            @Override
            public void setState(String dagId, String runId, DagRunState state, Instant now) {
                var t = odt(now);
                dsl.update(DAG_RUN).set(DAG_RUN.STATE, state.id())
                        .set(DAG_RUN.START_DATE, state == DagRunState.RUNNING ? DSL.coalesce(DAG_RUN.START_DATE, t)
                                : state == DagRunState.QUEUED ? DSL.inline((OffsetDateTime) null) : DSL.coalesce(DAG_RUN.START_DATE, t))
                        .set(DAG_RUN.END_DATE, state.finished() ? t : null)
                        .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId)).execute();
            }
        };
    }

    private static DagRun run(io.gale.store.jooq.tables.records.DagRunRecord r) {
        Map<String, Object> conf = r.getConf() == null || r.getConf().data().equals("{}") ? Map.of()
                : Json.MAPPER.convertValue(Json.read(r.getConf().data(), Object.class), new TypeReference<LinkedHashMap<String, Object>>() { });
        return new DagRun(r.getId(), r.getDagId(), r.getRunId(), RunType.of(r.getRunType()), instant(r.getLogicalDate()),
                instant(r.getDataIntervalStart()), instant(r.getDataIntervalEnd()), DagRunState.of(r.getState()), conf,
                instant(r.getQueuedAt()), instant(r.getStartDate()), instant(r.getEndDate()), r.getBackfillId());
    }

    @Override
    public TaskInstanceRepository taskInstances() {
        return new TaskInstanceRepository() {
            @Override
            public void createMissing(Map<List<String>, List<NewTask>> tasks) {
                if (tasks.isEmpty()) return;
                var q = dsl.insertInto(TASK_INSTANCE, TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID,
                        TASK_INSTANCE.MAX_TRIES, TASK_INSTANCE.OPERATOR);
                for (var e : tasks.entrySet()) {
                    for (NewTask t : e.getValue()) {
                        q = q.values(e.getKey().get(0), e.getKey().get(1), t.taskId(), t.maxTries(), t.operator());
                    }
                }
                q.onConflictDoNothing().execute();
            }

            @Override
            public List<TaskInstance> forRun(String dagId, String runId) {
                return dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(runId))
                        .fetch(JooqStore::taskInstance);
            }

            @Override
            public Optional<TaskInstance> find(TaskKey key) {
                return dsl.selectFrom(TASK_INSTANCE).where(ti(key)).fetchOptional(JooqStore::taskInstance);
            }

            @Override
            public Map<String, Integer> countActiveByDag() {
                return dsl.select(TASK_INSTANCE.DAG_ID, DSL.count()).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.STATE.in("running", "queued"))
                        .groupBy(TASK_INSTANCE.DAG_ID).fetchMap(r -> r.value1(), r -> r.value2());
            }

            @Override
            public List<TaskInstance> forRuns(Collection<DagRun> runs) {
                if (runs.isEmpty()) return List.of();
                var keys = runs.stream().map(r -> DSL.row(r.dagId(), r.runId())).toList();
                return dsl.selectFrom(TASK_INSTANCE).where(DSL.row(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID).in(keys))
                        .fetch(JooqStore::taskInstance);
            }

            @Override
            public List<TaskInstance> findAll(Collection<TaskKey> keys) {
                if (keys.isEmpty()) return List.of();
                List<Row3<String, String, String>> rows = keys.stream().map(k -> DSL.row(k.dagId(), k.runId(), k.taskId())).toList();
                return dsl.selectFrom(TASK_INSTANCE)
                        .where(DSL.row(TASK_INSTANCE.DAG_ID, TASK_INSTANCE.RUN_ID, TASK_INSTANCE.TASK_ID).in(rows))
                        .fetch(JooqStore::taskInstance);
            }

            @Override
            public void markRunning(Collection<Start> starts, Instant now, String hostname, long pid, long schedulerId) {
                if (starts.isEmpty()) return;
                var t = odt(now);
                var q = dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, TaskState.RUNNING.id())
                        .set(TASK_INSTANCE.TRY_NUMBER, (Integer) null)
                        .set(TASK_INSTANCE.MAX_TRIES, DSL.greatest(TASK_INSTANCE.MAX_TRIES, DSL.val((Integer) null)))
                        .set(TASK_INSTANCE.QUEUED_AT, t).set(TASK_INSTANCE.START_DATE, t).set(TASK_INSTANCE.HEARTBEAT_AT, t)
                        .setNull(TASK_INSTANCE.END_DATE).setNull(TASK_INSTANCE.DURATION).setNull(TASK_INSTANCE.NEXT_RETRY_AT)
                        .set(TASK_INSTANCE.HOSTNAME, hostname).set(TASK_INSTANCE.PID, (int) pid)
                        .set(TASK_INSTANCE.SCHEDULER_ID, schedulerId)
                        .where(TASK_INSTANCE.DAG_ID.eq((String) null), TASK_INSTANCE.RUN_ID.eq((String) null),
                                TASK_INSTANCE.TASK_ID.eq((String) null));
                var batch = dsl.batch(q);
                for (Start st : sorted(starts, Start::key)) {
                    batch = batch.bind("running", st.tryNumber(), st.tryNumber(), t, t, t, null, null, null, hostname, (int) pid, schedulerId,
                            st.key().dagId(), st.key().runId(), st.key().taskId());
                }
                batch.execute();
            }

            @Override
            public List<TaskKey> finishTries(Collection<Finish> finishes) {
                List<Finish> list = sorted(finishes, Finish::key);
                if (list.isEmpty()) return List.of();
                var q = dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, (String) null)
                        .set(TASK_INSTANCE.END_DATE, (OffsetDateTime) null)
                        .set(TASK_INSTANCE.DURATION, DSL.field("extract(epoch from ({0} - {1}))", Double.class,
                                DSL.val((OffsetDateTime) null), TASK_INSTANCE.START_DATE))
                        .set(TASK_INSTANCE.NEXT_RETRY_AT, (OffsetDateTime) null)
                        .where(TASK_INSTANCE.DAG_ID.eq((String) null), TASK_INSTANCE.RUN_ID.eq((String) null),
                                TASK_INSTANCE.TASK_ID.eq((String) null), TASK_INSTANCE.STATE.eq("running"),
                                TASK_INSTANCE.TRY_NUMBER.eq((Integer) null));
                var batch = dsl.batch(q);
                for (Finish f : list) {
                    batch = batch.bind(f.state().id(), odt(f.end()), odt(f.end()), odt(f.nextRetryAt()),
                            f.key().dagId(), f.key().runId(), f.key().taskId(), "running", f.tryNumber());
                }
                int[] counts = batch.execute();
                List<TaskKey> done = new ArrayList<>();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] != 0) done.add(list.get(i).key());
                }
                return done;
            }

            @Override
            public void setStates(Map<TaskKey, TaskState> states, Instant now) {
                var t = odt(now);
                var queries = states.entrySet().stream().map(e -> {
                    var q = dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, e.getValue().id());
                    if (e.getValue().finished()) {
                        q = q.set(TASK_INSTANCE.END_DATE, t).set(TASK_INSTANCE.START_DATE, DSL.coalesce(TASK_INSTANCE.START_DATE, t));
                    }
                    return q.where(ti(e.getKey()));
                }).toList();
                if (!queries.isEmpty()) dsl.batch(queries).execute();
            }

            @Override
            public void heartbeat(long schedulerId, Instant now) {
                dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.HEARTBEAT_AT, odt(now))
                        .where(TASK_INSTANCE.SCHEDULER_ID.eq(schedulerId), TASK_INSTANCE.STATE.eq("running")).execute();
            }

            @Override
            public List<TaskInstance> zombies(Instant staleBefore, Collection<Long> deadSchedulers) {
                return dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.STATE.eq("running"))
                        .and(TASK_INSTANCE.HEARTBEAT_AT.lt(odt(staleBefore)).or(TASK_INSTANCE.SCHEDULER_ID.in(deadSchedulers)))
                        .fetch(JooqStore::taskInstance);
            }

            @Override
            public int clear(String dagId, String runId, Collection<String> taskIds, int defaultRetries) {
                return dsl.update(TASK_INSTANCE)
                        .set(TASK_INSTANCE.STATE, DSL.when(TASK_INSTANCE.STATE.eq("running"), "restarting").otherwise("none"))
                        .set(TASK_INSTANCE.MAX_TRIES, DSL.greatest(TASK_INSTANCE.MAX_TRIES,
                                TASK_INSTANCE.TRY_NUMBER.plus(defaultRetries + 1)))
                        .setNull(TASK_INSTANCE.NEXT_RETRY_AT).setNull(TASK_INSTANCE.END_DATE)
                        .setNull(TASK_INSTANCE.QUEUED_AT)
                        .where(TASK_INSTANCE.DAG_ID.eq(dagId), TASK_INSTANCE.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.in(taskIds))
                        .execute();
            }
        };
    }

    private static TaskInstance taskInstance(io.gale.store.jooq.tables.records.TaskInstanceRecord r) {
        return new TaskInstance(r.getDagId(), r.getRunId(), r.getTaskId(), TaskState.of(r.getState()),
                r.getTryNumber(), r.getMaxTries(), r.getOperator(), instant(r.getStartDate()),
                instant(r.getEndDate()), r.getDuration(), r.getHostname(), r.getPid(),
                instant(r.getQueuedAt()), instant(r.getNextRetryAt()), instant(r.getHeartbeatAt()));
    }

    @Override
    public XComRepository xcoms() {
        return new XComRepository() {
            @Override
            public void put(TaskKey k, String xcomKey, String json) {
                dsl.insertInto(XCOM).set(XCOM.DAG_ID, k.dagId()).set(XCOM.RUN_ID, k.runId()).set(XCOM.TASK_ID, k.taskId())
                        .set(XCOM.KEY, xcomKey).set(XCOM.VALUE, JSONB.valueOf(json))
                        .onConflict(XCOM.DAG_ID, XCOM.RUN_ID, XCOM.TASK_ID, XCOM.KEY).doUpdate()
                        .set(XCOM.VALUE, JSONB.valueOf(json)).set(XCOM.TIMESTAMP, DSL.currentOffsetDateTime())
                        .execute();
            }

            @Override
            public Optional<String> get(TaskKey k, String xcomKey) {
                return dsl.select(XCOM.VALUE).from(XCOM)
                        .where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId()), XCOM.KEY.eq(xcomKey))
                        .fetchOptional(r -> r.value1().data());
            }

            @Override
            public List<Entry> list(TaskKey k) {
                return dsl.selectFrom(XCOM)
                        .where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId()))
                        .orderBy(XCOM.KEY)
                        .fetch(r -> new Entry(r.getTaskId(), r.getKey(), r.getValue().data(), instant(r.getTimestamp())));
            }

            @Override
            public void deleteAll(Collection<TaskKey> keys) {
                if (keys.isEmpty()) return;
                List<Row3<String, String, String>> rows = keys.stream().map(k -> DSL.row(k.dagId(), k.runId(), k.taskId())).toList();
                dsl.deleteFrom(XCOM).where(DSL.row(XCOM.DAG_ID, XCOM.RUN_ID, XCOM.TASK_ID).in(rows)).execute();
            }

            @Override
            public void deleteAll(TaskKey k) {
                dsl.deleteFrom(XCOM).where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId())).execute();
            }
        };
    }

    @Override
    public TaskLogRepository logs() {
        return new TaskLogRepository() {
            @Override
            public void putAll(Collection<Entry> logs) {
                if (logs.isEmpty()) return;
                var q = dsl.insertInto(TASK_LOG, TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER, TASK_LOG.CONTENT);
                for (Entry l : sorted(logs, Entry::key)) {
                    q = q.values(l.key().dagId(), l.key().runId(), l.key().taskId(), l.tryNumber(), l.content());
                }
                q.onConflict(TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER).doUpdate()
                        .set(TASK_LOG.CONTENT, DSL.excluded(TASK_LOG.CONTENT)).set(TASK_LOG.UPDATED_AT, DSL.currentOffsetDateTime())
                        .execute();
            }

            @Override
            public Optional<String> get(TaskKey k, int tryNumber) {
                return dsl.select(TASK_LOG.CONTENT).from(TASK_LOG)
                        .where(TASK_LOG.DAG_ID.eq(k.dagId()), TASK_LOG.RUN_ID.eq(k.runId()), TASK_LOG.TASK_ID.eq(k.taskId()),
                                TASK_LOG.TRY_NUMBER.eq(tryNumber))
                        .fetchOptional(r -> r.value1());
            }

            @Override
            public void append(TaskKey k, int tryNumber, String text) {
                dsl.insertInto(TASK_LOG).set(TASK_LOG.DAG_ID, k.dagId()).set(TASK_LOG.RUN_ID, k.runId())
                        .set(TASK_LOG.TASK_ID, k.taskId()).set(TASK_LOG.TRY_NUMBER, tryNumber).set(TASK_LOG.CONTENT, text)
                        .onConflict(TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER).doUpdate()
                        .set(TASK_LOG.CONTENT, TASK_LOG.CONTENT.concat(text)).set(TASK_LOG.UPDATED_AT, DSL.currentOffsetDateTime())
                        .execute();
            }

            @Override
            public List<Integer> tries(TaskKey k) {
                return dsl.select(TASK_LOG.TRY_NUMBER).from(TASK_LOG)
                        .where(TASK_LOG.DAG_ID.eq(k.dagId()), TASK_LOG.RUN_ID.eq(k.runId()), TASK_LOG.TASK_ID.eq(k.taskId()))
                        .orderBy(TASK_LOG.TRY_NUMBER).fetch(r -> r.value1());
            }
        };
    }

    @Override
    public ImportErrorRepository importErrors() {
        return new ImportErrorRepository() {
            @Override
            public void replaceAll(Map<String, String> errors) {
                dsl.deleteFrom(IMPORT_ERROR).execute();
                var queries = errors.entrySet().stream().map(e -> dsl.insertInto(IMPORT_ERROR)
                        .set(IMPORT_ERROR.FILENAME, e.getKey()).set(IMPORT_ERROR.MESSAGE, e.getValue())).toList();
                if (!queries.isEmpty()) {
                    dsl.batch(queries).execute();
                }
            }

            @Override
            public List<ImportError> list() {
                return dsl.selectFrom(IMPORT_ERROR).orderBy(IMPORT_ERROR.FILENAME)
                        .fetch(r -> new ImportError(r.getFilename(), r.getMessage(), instant(r.getTimestamp())));
            }
        };
    }

    @Override
    public SerializedDagRepository serializedDags() {
        return new JooqSerializedDags(dsl);
    }

    @Override
    public ModelRegistry models() {
        return new JooqModelRegistry(dsl);
    }

    @Override
    public VariableRepository variables() {
        return new VariableRepository() {
            @Override
            public Optional<String> get(String key) {
                return dsl.select(VARIABLE.VAL).from(VARIABLE).where(VARIABLE.KEY.eq(key)).fetchOptional(r -> r.value1());
            }

            @Override
            public void set(String key, String value) {
                dsl.insertInto(VARIABLE).set(VARIABLE.KEY, key).set(VARIABLE.VAL, value)
                        .onConflict(VARIABLE.KEY).doUpdate().set(VARIABLE.VAL, value).execute();
            }

            @Override
            public boolean delete(String key) {
                return dsl.deleteFrom(VARIABLE).where(VARIABLE.KEY.eq(key)).execute() == 1;
            }

            @Override
            public Map<String, String> list() {
                Map<String, String> m = new LinkedHashMap<>();
                dsl.selectFrom(VARIABLE).orderBy(VARIABLE.KEY).forEach(r -> m.put(r.getKey(), r.getVal()));
                return m;
            }
        };
    }

    @Override
    public ConnectionRepository connections() {
        return new ConnectionRepository() {
            @Override
            public Optional<Connection> get(String connId) {
                return dsl.selectFrom(CONNECTION).where(CONNECTION.CONN_ID.eq(connId)).fetchOptional(JooqStore::connection);
            }

            @Override
            public void put(Connection c) {
                var extra = JSONB.valueOf(Json.write(c.extra()));
                dsl.insertInto(CONNECTION).set(CONNECTION.CONN_ID, c.id()).set(CONNECTION.CONN_TYPE, c.type())
                        .set(CONNECTION.HOST, c.host()).set(CONNECTION.PORT, c.port()).set(CONNECTION.SCHEMA, c.schema())
                        .set(CONNECTION.LOGIN, c.login()).set(CONNECTION.PASSWORD, c.password()).set(CONNECTION.EXTRA, extra)
                        .onConflict(CONNECTION.CONN_ID).doUpdate()
                        .set(CONNECTION.CONN_TYPE, c.type()).set(CONNECTION.HOST, c.host()).set(CONNECTION.PORT, c.port())
                        .set(CONNECTION.SCHEMA, c.schema()).set(CONNECTION.LOGIN, c.login())
                        .set(CONNECTION.PASSWORD, c.password()).set(CONNECTION.EXTRA, extra)
                        .execute();
            }

            @Override
            public boolean delete(String connId) {
                return dsl.deleteFrom(CONNECTION).where(CONNECTION.CONN_ID.eq(connId)).execute() == 1;
            }

            @Override
            public List<Connection> list() {
                return dsl.selectFrom(CONNECTION).orderBy(CONNECTION.CONN_ID).fetch(JooqStore::connection);
            }
        };
    }

    @Override
    public void notifyChange() {
        dsl.execute("select pg_notify('" + ChangeListener.CHANNEL + "', '')");
    }

    @Override
    public SchedulerJobRepository schedulerJobs() {
        return new SchedulerJobRepository() {
            @Override
            public long register(io.gale.core.ProcessIdentity p, Instant now) {
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
            public void end(long id, String state) {
                dsl.update(SCHEDULER_JOB).set(SCHEDULER_JOB.STATE, state).where(SCHEDULER_JOB.ID.eq(id)).execute();
            }

            @Override
            public List<Job> running() {
                return dsl.selectFrom(SCHEDULER_JOB).where(SCHEDULER_JOB.STATE.eq("running"))
                        .fetch(r -> new Job(r.getId(), new io.gale.core.ProcessIdentity(r.getJobUuid(), r.getHostname(),
                                r.getMachineId(), r.getPid(), instant(r.getProcessStartedAt())), instant(r.getStartedAt()),
                                instant(r.getLatestHeartbeat()), r.getState()));
            }

            @Override
            public void markFailed(List<Long> ids) {
                dsl.update(SCHEDULER_JOB).set(SCHEDULER_JOB.STATE, "failed").where(SCHEDULER_JOB.ID.in(ids)).execute();
            }
        };
    }

    @Override
    public BackfillRepository backfills() {
        return new BackfillRepository() {
            @Override
            public long create(Backfill b) {
                return dsl.insertInto(BACKFILL).set(BACKFILL.DAG_ID, b.dagId()).set(BACKFILL.FROM_DATE, odt(b.fromDate()))
                        .set(BACKFILL.TO_DATE, odt(b.toDate())).set(BACKFILL.RUN_BACKWARDS, b.runBackwards())
                        .set(BACKFILL.RESET_DAGRUNS, b.resetDagruns()).set(BACKFILL.RERUN_FAILED_TASKS, b.rerunFailedTasks())
                        .set(BACKFILL.MAX_ACTIVE_RUNS, b.maxActiveRuns()).set(BACKFILL.CONF, JSONB.valueOf(Json.write(b.conf())))
                        .set(BACKFILL.TOTAL_RUNS, b.totalRuns()).returning(BACKFILL.ID).fetchOne().getId();
            }

            @Override
            public Optional<Backfill> find(long id) {
                return dsl.selectFrom(BACKFILL).where(BACKFILL.ID.eq(id)).fetchOptional(JooqStore::backfill);
            }

            @Override
            public Optional<Backfill> latestRunning(String dagId) {
                return dsl.selectFrom(BACKFILL).where(BACKFILL.DAG_ID.eq(dagId), BACKFILL.STATE.eq("running"))
                        .orderBy(BACKFILL.ID.desc()).limit(1).fetchOptional(JooqStore::backfill);
            }

            @Override
            public List<Backfill> running() {
                return dsl.selectFrom(BACKFILL).where(BACKFILL.STATE.eq("running")).orderBy(BACKFILL.ID).fetch(JooqStore::backfill);
            }

            @Override
            public Progress progress(long id) {
                Map<String, Integer> by = dsl.select(DAG_RUN.STATE, DSL.count()).from(DAG_RUN).where(DAG_RUN.BACKFILL_ID.eq(id))
                        .groupBy(DAG_RUN.STATE).fetchMap(r -> r.value1(), r -> r.value2());
                int total = by.values().stream().mapToInt(Integer::intValue).sum();
                return new Progress(total, by.getOrDefault("success", 0), by.getOrDefault("failed", 0),
                        by.getOrDefault("running", 0), by.getOrDefault("queued", 0));
            }

            @Override
            public void setState(long id, String state, Instant now) {
                dsl.update(BACKFILL).set(BACKFILL.STATE, state)
                        .set(BACKFILL.COMPLETED_AT, state.equals("running") ? null : odt(now))
                        .where(BACKFILL.ID.eq(id)).execute();
            }
        };
    }

    private static BackfillRepository.Backfill backfill(io.gale.store.jooq.tables.records.BackfillRecord r) {
        Map<String, Object> conf = Json.MAPPER.convertValue(Json.read(r.getConf().data(), Object.class),
                new TypeReference<LinkedHashMap<String, Object>>() { });
        return new BackfillRepository.Backfill(r.getId(), r.getDagId(), instant(r.getFromDate()), instant(r.getToDate()),
                r.getRunBackwards(), r.getResetDagruns(), r.getRerunFailedTasks(), r.getMaxActiveRuns(), conf, r.getState(),
                r.getTotalRuns(), instant(r.getCreatedAt()), instant(r.getCompletedAt()));
    }

    private static Connection connection(io.gale.store.jooq.tables.records.ConnectionRecord r) {
        Map<String, String> extra = Json.MAPPER.convertValue(Json.read(r.getExtra().data(), Object.class),
                new TypeReference<LinkedHashMap<String, String>>() { });
        return new Connection(r.getConnId(), r.getConnType(), r.getHost(), r.getPort(), r.getSchema(), r.getLogin(),
                r.getPassword(), extra);
    }
}
