package io.gale.store;

import static io.gale.store.jooq.Tables.CONNECTION;
import static io.gale.store.jooq.Tables.DAG;
import static io.gale.store.jooq.Tables.DAG_RUN;
import static io.gale.store.jooq.Tables.IMPORT_ERROR;
import static io.gale.store.jooq.Tables.TASK_INSTANCE;
import static io.gale.store.jooq.Tables.TASK_LOG;
import static io.gale.store.jooq.Tables.VARIABLE;
import static io.gale.store.jooq.Tables.XCOM;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.Connection;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.Condition;
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
                    return dsl.insertInto(DAG_RUN)
                            .set(DAG_RUN.DAG_ID, r.dagId()).set(DAG_RUN.RUN_ID, r.runId())
                            .set(DAG_RUN.RUN_TYPE, r.runType().id()).set(DAG_RUN.LOGICAL_DATE, odt(r.logicalDate()))
                            .set(DAG_RUN.DATA_INTERVAL_START, odt(r.dataIntervalStart()))
                            .set(DAG_RUN.DATA_INTERVAL_END, odt(r.dataIntervalEnd()))
                            .set(DAG_RUN.STATE, r.state().id())
                            .set(DAG_RUN.CONF, JSONB.valueOf(Json.write(r.conf())))
                            .returning().fetchOne(JooqStore::run);
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

            @Override
            public List<DagRun> active() {
                return dsl.selectFrom(DAG_RUN).where(DAG_RUN.STATE.in("queued", "running"))
                        .orderBy(DAG_RUN.LOGICAL_DATE, DAG_RUN.ID).fetch(JooqStore::run);
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
        Map<String, Object> conf = r.getConf() == null ? Map.of()
                : Json.MAPPER.convertValue(Json.read(r.getConf().data(), Object.class), new TypeReference<LinkedHashMap<String, Object>>() { });
        return new DagRun(r.getId(), r.getDagId(), r.getRunId(), RunType.of(r.getRunType()), instant(r.getLogicalDate()),
                instant(r.getDataIntervalStart()), instant(r.getDataIntervalEnd()), DagRunState.of(r.getState()), conf,
                instant(r.getQueuedAt()), instant(r.getStartDate()), instant(r.getEndDate()));
    }

    @Override
    public TaskInstanceRepository taskInstances() {
        return new TaskInstanceRepository() {
            @Override
            public void createMissing(String dagId, String runId, Collection<NewTask> tasks) {
                var queries = tasks.stream().map(t -> dsl.insertInto(TASK_INSTANCE)
                        .set(TASK_INSTANCE.DAG_ID, dagId).set(TASK_INSTANCE.RUN_ID, runId)
                        .set(TASK_INSTANCE.TASK_ID, t.taskId()).set(TASK_INSTANCE.MAX_TRIES, t.maxTries())
                        .set(TASK_INSTANCE.OPERATOR, t.operator())
                        .onConflictDoNothing()).toList();
                if (!queries.isEmpty()) {
                    dsl.batch(queries).execute();
                }
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
            public void markRunning(TaskKey key, int tryNumber, Instant now, String hostname, long pid) {
                var t = odt(now);
                dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, TaskState.RUNNING.id())
                        .set(TASK_INSTANCE.TRY_NUMBER, tryNumber)
                        .set(TASK_INSTANCE.QUEUED_AT, DSL.coalesce(TASK_INSTANCE.QUEUED_AT, t))
                        .set(TASK_INSTANCE.START_DATE, t).set(TASK_INSTANCE.HEARTBEAT_AT, t)
                        .setNull(TASK_INSTANCE.END_DATE).setNull(TASK_INSTANCE.DURATION).setNull(TASK_INSTANCE.NEXT_RETRY_AT)
                        .set(TASK_INSTANCE.HOSTNAME, hostname).set(TASK_INSTANCE.PID, (int) pid)
                        .where(ti(key)).execute();
            }

            @Override
            public void finishTry(TaskKey key, TaskState state, Instant end, Instant nextRetryAt) {
                var e = odt(end);
                dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state.id())
                        .set(TASK_INSTANCE.END_DATE, e)
                        .set(TASK_INSTANCE.DURATION, DSL.field("extract(epoch from ({0} - {1}))", Double.class,
                                DSL.val(e), TASK_INSTANCE.START_DATE))
                        .set(TASK_INSTANCE.NEXT_RETRY_AT, odt(nextRetryAt))
                        .setNull(TASK_INSTANCE.QUEUED_AT)
                        .where(ti(key)).execute();
            }

            @Override
            public void setState(TaskKey key, TaskState state, Instant now) {
                var q = dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state.id());
                if (state.finished()) {
                    q = q.set(TASK_INSTANCE.END_DATE, odt(now)).set(TASK_INSTANCE.START_DATE, DSL.coalesce(TASK_INSTANCE.START_DATE, odt(now)));
                }
                q.where(ti(key)).execute();
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
            public void deleteAll(TaskKey k) {
                dsl.deleteFrom(XCOM).where(XCOM.DAG_ID.eq(k.dagId()), XCOM.RUN_ID.eq(k.runId()), XCOM.TASK_ID.eq(k.taskId())).execute();
            }
        };
    }

    @Override
    public TaskLogRepository logs() {
        return new TaskLogRepository() {
            @Override
            public void put(TaskKey k, int tryNumber, String content) {
                dsl.insertInto(TASK_LOG).set(TASK_LOG.DAG_ID, k.dagId()).set(TASK_LOG.RUN_ID, k.runId())
                        .set(TASK_LOG.TASK_ID, k.taskId()).set(TASK_LOG.TRY_NUMBER, tryNumber).set(TASK_LOG.CONTENT, content)
                        .onConflict(TASK_LOG.DAG_ID, TASK_LOG.RUN_ID, TASK_LOG.TASK_ID, TASK_LOG.TRY_NUMBER).doUpdate()
                        .set(TASK_LOG.CONTENT, content).set(TASK_LOG.UPDATED_AT, DSL.currentOffsetDateTime())
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

    private static Connection connection(io.gale.store.jooq.tables.records.ConnectionRecord r) {
        Map<String, String> extra = Json.MAPPER.convertValue(Json.read(r.getExtra().data(), Object.class),
                new TypeReference<LinkedHashMap<String, String>>() { });
        return new Connection(r.getConnId(), r.getConnType(), r.getHost(), r.getPort(), r.getSchema(), r.getLogin(),
                r.getPassword(), extra);
    }
}
