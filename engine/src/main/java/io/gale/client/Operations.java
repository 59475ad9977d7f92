package io.gale.client;

import io.gale.config.GaleConfig;
import io.gale.core.BadRequestException;
import io.gale.core.ConflictException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.Dates;
import io.gale.core.NotFoundException;
import io.gale.core.RunType;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.SerializedDag;
import io.gale.dagbag.DagBag;
import io.gale.dagbag.DagProcessor;
import io.gale.scheduler.SchedulableDag;
import io.gale.schedule.DataInterval;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.store.NewDagRun;
import io.gale.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Gale's operations API: list and inspect DAGs, trigger runs, pause, clear tasks, read runs, task
 * instances, XComs and logs, backfills and next runs. Everything that only
 * shows or operates on DAGs reads the serialized DAGs the DAG processor recorded and never loads
 * DAG code (the {@link io.gale.runtime.Engine} runs tasks). Each method is one store
 * transaction, or reads only; the CLI and the REST API call the same methods.
 */
public final class Operations implements AutoCloseable {

    /** Run ids of runs made by {@link #createTestRun} start with this. */
    public static final String TEST_RUN_PREFIX = "test__";

    private final GaleConfig config;
    private final Database database;
    private final Store store;
    private final Clock clock;

    public Operations(GaleConfig config, Database database, Clock clock) {
        this.config = config;
        this.database = database;
        this.store = new JooqStore(database);
        this.clock = clock;
    }

    public GaleConfig config() {
        return config;
    }

    public Store store() {
        return store;
    }

    public Database database() {
        return database;
    }

    /** The model registry: versions, stages, promote, rollback, delete (reads no DAG code). */
    public io.gale.api.ModelRegistry models() {
        return store.models();
    }

    /** A DAG processor of this client's bundle (the classpath and the configured dags folder); close it after use. */
    public DagProcessor dagProcessor() {
        return new DagProcessor(config.dagsFolder(), config.dagCacheDir(), config.home().resolve("logs").resolve("dag-processor.log"),
                config.dagImportTimeout(), store, config.pausedAtCreation(), clock);
    }

    /** Whether a DAG processor has read the configured dags folder yet. */
    public boolean dagsProcessed() {
        return store.serializedDags().processedAt(DagProcessor.folderBundle(config.dagsFolder())).isPresent();
    }

    /**
     * Reads the classpath and the dags folder once (in a child process) and records what changed:
     * Airflow's {@code dags reserialize}.
     */
    public DagProcessor.Pass processDags() {
        try (DagProcessor processor = dagProcessor()) {
            return processor.processOnce();
        }
    }

    /**
     * Records the DAGs of a bag loaded in this process, as bundle {@code memory} (for embedding
     * Gale, and for tests); run their tasks with the bag as the engine's DAG code.
     */
    public void syncDags(DagBag bag) {
        store.transact(tx -> {
            Map<String, String> errors = new java.util.TreeMap<>(bag.importErrors());
            var dags = io.gale.dagbag.DagProcessor.withKnownPools(bag.serialize(DagBag.MEMORY_BUNDLE), tx.pools().slots().keySet(), errors);
            tx.serializedDags().syncBundle(DagBag.MEMORY_BUNDLE, dags, errors, config.pausedAtCreation(), clock.instant());
        });
        store.notifyChange();
    }

    /** The active DAGs, by id, as {@code dags list} shows them (read from their rows: no DAG is parsed). */
    public List<DagSummary> listDags() {
        Map<String, Integer> tasks = store.serializedDags().taskCounts();
        return store.dags().list().stream().filter(d -> d.active() && tasks.containsKey(d.dagId()))
                .map(d -> new DagSummary(d.dagId(), d.fileloc(), d.paused(), d.schedule(), d.timezone(), d.tags(),
                        tasks.get(d.dagId()), d.description()))
                .toList();
    }

    /** The DAG as the DAG processor last recorded it. */
    public SerializedDag dag(String dagId) {
        return store.serializedDags().find(dagId).orElseThrow(() -> NotFoundException.dag(dagId));
    }

    /** The DAG with its timetable. */
    public SchedulableDag schedulable(String dagId) {
        return SchedulableDag.of(dag(dagId));
    }

    /** Import errors: files that failed to load, and why. */
    public List<io.gale.store.ImportErrorRepository.ImportError> importErrors() {
        return store.importErrors().list();
    }

    /** Pauses or unpauses a DAG. */
    public void setPaused(String dagId, boolean paused) {
        SchedulableDag d = schedulable(dagId);
        store.transact(tx -> {
            tx.dags().setPaused(dagId, paused);
            if (!paused) {
                io.gale.scheduler.NextRuns.refresh(tx, d, clock.instant());
            }
        });
        store.notifyChange();
    }

    /**
     * Records a queued manual run for the scheduler. {@code logicalDate} defaults to now and
     * {@code runId} to {@code manual__<logical date>}; the data interval is inferred from the
     * DAG's timetable.
     */
    public DagRun trigger(String dagId, Map<String, Object> conf, String runId, Instant logicalDate) {
        SchedulableDag d = schedulable(dagId);
        Instant logical = logicalDate != null ? logicalDate : clock.instant().truncatedTo(ChronoUnit.MICROS);
        String id = runId != null ? runId : RunType.MANUAL.runId(logical);
        io.gale.core.RunIds.validate(id);
        DataInterval interval = d.timetable().inferManualDataInterval(logical);
        DagRun run = store.runs().create(new NewDagRun(dagId, id, RunType.MANUAL, logical, interval.start(), interval.end(),
                DagRunState.QUEUED, conf == null ? Map.of() : conf));
        store.notifyChange();
        return run;
    }

    /**
     * A task's trigger of another DAG (Airflow's TriggerDagRunOperator): {@link #trigger} unless the
     * run {@code runId} exists already, in which case it is left as it is. Returns the run id.
     *
     * @throws IllegalArgumentException naming the DAG when it is unknown
     */
    public String triggerFromTask(String dagId, String runId, Map<String, Object> conf) {
        if (store.serializedDags().find(dagId).isEmpty()) {
            throw new IllegalArgumentException("cannot trigger DAG '" + dagId + "': no such DAG (check 'gale dags list')");
        }
        if (runId != null && store.runs().find(dagId, io.gale.core.RunIds.validate(runId)).isPresent()) {
            return runId;
        }
        return trigger(dagId, conf, runId, null).runId();
    }

    public DagRun run(String dagId, String runId) {
        return store.runs().find(dagId, runId).orElseThrow(() -> NotFoundException.run(dagId, runId));
    }

    public List<DagRun> runs(String dagId) {
        requireKnown(dagId);
        return store.runs().list(dagId);
    }

    /** Task instances of a run, in the DAG's topological order (unknown tasks last). */
    public List<TaskInstance> taskStates(String dagId, String runId) {
        requireKnown(dagId);
        run(dagId, runId);
        List<String> order = store.serializedDags().find(dagId).map(SerializedDag::topologicalOrder).orElse(List.of());
        return store.taskInstances().forRun(dagId, runId).stream()
                .sorted(Comparator.comparingInt((TaskInstance t) -> {
                    int i = order.indexOf(t.taskId());
                    return i < 0 ? Integer.MAX_VALUE : i;
                }).thenComparing(TaskInstance::taskId))
                .toList();
    }

    /**
     * Records the run {@code dags test} runs ({@code test__<date>}, queued): an earlier test run at
     * the same logical date is replaced; any other run there only when {@code replace} is true,
     * else this throws a {@link ConflictException} naming it.
     */
    public DagRun createTestRun(String dagId, Instant logicalDate, Map<String, Object> conf, boolean replace) {
        SchedulableDag d = schedulable(dagId);
        Instant logical = testDate(logicalDate);
        DataInterval interval = d.timetable().inferManualDataInterval(logical);
        return store.transaction(tx -> {
            Optional<DagRun> old = tx.runs().findByLogicalDate(dagId, logical);
            if (old.isPresent() && !isTestRun(old.get()) && !replace) {
                throw new ConflictException("DAG '" + dagId + "' already has run '" + old.get().runId() + "' ("
                        + old.get().runType().id() + ", " + old.get().state().id() + ") at logical date " + logical
                        + ": test at another date, or pass --replace to delete it with its task instances, logs and XComs");
            }
            old.ifPresent(o -> tx.runs().delete(dagId, o.runId()));
            return tx.runs().create(new NewDagRun(dagId, TEST_RUN_PREFIX + RunType.MANUAL.runId(logical).substring("manual__".length()),
                    RunType.MANUAL, logical, interval.start(), interval.end(), DagRunState.QUEUED, conf == null ? Map.of() : conf));
        });
    }

    /** The run of a DAG at a logical date ({@code dags test}'s default: now), if there is one. */
    public Optional<DagRun> runAt(String dagId, Instant logicalDate) {
        return store.runs().findByLogicalDate(dagId, testDate(logicalDate));
    }

    /** Whether {@code dags test} made this run (a later test replaces it without asking). */
    public static boolean isTestRun(DagRun run) {
        return run.runId().startsWith(TEST_RUN_PREFIX);
    }

    private Instant testDate(Instant logicalDate) {
        return logicalDate != null ? logicalDate : clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * Airflow's {@code tasks clear}: resets the matching task instances (with {@code downstream},
     * their downstream tasks too) in every run of the DAG, or only {@code runId}'s, so they run
     * again; their XComs are deleted and their runs go back to queued. Returns the instances cleared.
     */
    public List<TaskInstance> clear(String dagId, String taskRegex, boolean downstream, String runId, boolean dryRun) {
        SerializedDag dag = dag(dagId);
        Pattern p;
        try {
            p = taskRegex == null ? null : Pattern.compile(taskRegex);
        } catch (PatternSyntaxException e) {
            throw new BadRequestException("task regex '" + taskRegex + "' is not a valid regular expression: " + e.getDescription());
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String t : dag.topologicalOrder()) {
            if (p == null || p.matcher(t).find()) {
                ids.add(t);
                if (downstream) {
                    addDownstream(dag, t, ids);
                }
            }
        }
        if (ids.isEmpty()) {
            throw new NotFoundException("no task of DAG '" + dagId + "' matches '" + taskRegex + "': run 'gale dags show " + dagId + "'");
        }
        List<DagRun> runs = runId == null ? store.runs().list(dagId) : List.of(run(dagId, runId));
        List<TaskInstance> cleared = new ArrayList<>();
        for (DagRun r : runs) {
            store.taskInstances().forRun(dagId, r.runId()).stream().filter(ti -> ids.contains(ti.taskId())).forEach(cleared::add);
        }
        if (dryRun || cleared.isEmpty()) {
            return cleared;
        }
        store.transact(tx -> {
            for (DagRun r : runs) {
                List<String> inRun = cleared.stream().filter(ti -> ti.runId().equals(r.runId())).map(TaskInstance::taskId).toList();
                if (!inRun.isEmpty()) {
                    requeue(tx, dag, r.runId(), inRun, clock.instant());
                }
            }
        });
        store.notifyChange();
        return cleared;
    }

    /**
     * Clears task instances of a run so they run again (their XComs deleted, their tries reset to
     * the task's retries) and puts the run back in the queue: what {@code tasks clear} and a
     * backfill's reset or rerun of existing runs do.
     */
    static void requeue(Store tx, SerializedDag dag, String runId, Collection<String> taskIds, Instant now) {
        tx.xcoms().deleteAll(taskIds.stream().map(t -> new TaskKey(dag.dagId(), runId, t)).toList());
        for (String t : taskIds) {
            var task = dag.task(t);
            tx.taskInstances().clear(dag.dagId(), runId, List.of(t), task == null ? 0 : task.retries());
        }
        tx.runs().setState(dag.dagId(), runId, DagRunState.QUEUED, now);
    }

    private static void addDownstream(SerializedDag dag, String taskId, Set<String> into) {
        for (String d : dag.downstreamIds(taskId)) {
            if (into.add(d)) {
                addDownstream(dag, d, into);
            }
        }
    }

    /** The JSON stored under {@code key} (or every key) for a task instance. */
    public List<io.gale.store.XComRepository.Entry> xcoms(String dagId, String runId, String taskId, String key) {
        TaskKey k = taskKey(dagId, runId, taskId);
        var entries = store.xcoms().list(k);
        if (key == null) {
            return entries;
        }
        var match = entries.stream().filter(e -> e.key().equals(key)).toList();
        if (match.isEmpty()) {
            throw new NotFoundException("no XCom '" + key + "' for task '" + taskId + "' in run '" + runId + "'"
                    + (entries.isEmpty() ? "" : ": keys are " + entries.stream().map(io.gale.store.XComRepository.Entry::key).toList()));
        }
        return match;
    }

    /** The log of one try (the latest when {@code tryNumber} is null). */
    public String log(String dagId, String runId, String taskId, Integer tryNumber) {
        TaskKey k = taskKey(dagId, runId, taskId);
        List<Integer> tries = store.logs().tries(k);
        if (tries.isEmpty()) {
            throw new NotFoundException("task '" + taskId + "' in run '" + runId + "' has no log yet: it has not run");
        }
        int t = tryNumber != null ? tryNumber : tries.get(tries.size() - 1);
        return store.logs().get(k, t).orElseThrow(() -> new NotFoundException(
                "task '" + taskId + "' in run '" + runId + "' has no try " + t + ": tries with logs are " + tries));
    }

    private TaskKey taskKey(String dagId, String runId, String taskId) {
        requireKnown(dagId);
        run(dagId, runId);
        TaskKey k = new TaskKey(dagId, runId, taskId);
        if (store.taskInstances().find(k).isEmpty()) {
            throw NotFoundException.task(dagId, taskId);
        }
        return k;
    }

    private void requireKnown(String dagId) {
        if (store.dags().find(dagId).isEmpty()) {
            throw NotFoundException.dag(dagId);
        }
    }

    public Backfills backfills() {
        return new Backfills(store, clock);
    }

    /** Pools: list, set, delete. */
    public Pools pools() {
        return new Pools(store);
    }

    /** Remote workers: tokens, heartbeats, claims and reports (what the worker API serves). */
    public Workers workers() {
        return new Workers(store, clock);
    }

    /**
     * The instant a date given by a user names: text without an offset is read in the DAG's
     * timezone (Airflow reads it as UTC); null gives null.
     */
    public Instant logicalDate(String dagId, String text) {
        return text == null ? null : Dates.parse(text, java.time.ZoneId.of(dag(dagId).timezone()));
    }

    /** The next {@code n} scheduled runs of a DAG after its latest scheduled run. */
    public List<io.gale.schedule.DagRunInfo> nextRuns(String dagId, int n) {
        if (n < 1) {
            throw new BadRequestException("-n must be at least 1, got " + n);
        }
        return io.gale.scheduler.NextRuns.upcoming(store, schedulable(dagId), n, clock.instant());
    }

    // ---- for the REST API ------------------------------------------------------------------

    /**
     * The active DAGs' rows, by id: what the REST API lists. One query on the DAG table (the DAG
     * processor writes a DAG's row and its serialized form together), no serialized DAG is read.
     */
    public List<io.gale.store.StoredDag> activeDags() {
        return store.dags().list().stream().filter(io.gale.store.StoredDag::active).toList();
    }

    /** A DAG's row, or a {@link NotFoundException}. */
    public io.gale.store.StoredDag dagRow(String dagId) {
        return store.dags().find(dagId).filter(io.gale.store.StoredDag::active).orElseThrow(() -> NotFoundException.dag(dagId));
    }

    /**
     * Checks a run's conf against the DAG's params: a value given for a param must have the JSON
     * type of its default (an integer is a number too; a param whose default is null takes
     * anything). Throws a {@link BadRequestException} naming the first param that does not match.
     */
    public void checkConf(String dagId, Map<String, Object> conf) {
        if (conf == null) {
            return;
        }
        Map<String, String> types = dag(dagId).paramTypes();
        for (var e : conf.entrySet()) {
            String expected = types.get(e.getKey());
            String actual = io.gale.core.SerializedDag.jsonType(e.getValue());
            if (expected != null && !expected.equals("null") && !expected.equals(actual)
                    && !(expected.equals("number") && actual.equals("integer"))) {
                throw new BadRequestException("param '" + e.getKey() + "' of DAG '" + dagId + "' is " + expected
                        + ", got " + actual + ": give a conf value of the param's type");
            }
        }
    }

    /**
     * Sets a run's state as a user marks it: {@code success} marks its unfinished task instances
     * success, {@code failed} marks its running ones failed and those not started skipped,
     * {@code queued} puts it back in the queue. Returns the run as stored.
     */
    public DagRun setRunState(String dagId, String runId, DagRunState state) {
        run(dagId, runId);
        store.transact(tx -> {
            Map<TaskKey, io.gale.core.TaskState> states = new java.util.HashMap<>();
            if (state != DagRunState.QUEUED) {
                for (TaskInstance ti : tx.taskInstances().forRun(dagId, runId)) {
                    if (ti.state().finished()) {
                        continue;
                    }
                    states.put(ti.key(), state == DagRunState.SUCCESS ? io.gale.core.TaskState.SUCCESS
                            : ti.state() == io.gale.core.TaskState.RUNNING ? io.gale.core.TaskState.FAILED
                            : io.gale.core.TaskState.SKIPPED);
                }
            }
            if (!states.isEmpty()) {
                tx.taskInstances().setStates(states, clock.instant());
            }
            tx.runs().setState(dagId, runId, state, clock.instant());
        });
        store.notifyChange();
        return run(dagId, runId);
    }

    /** The backfills of a DAG, oldest first (every DAG's when {@code dagId} is null). */
    public List<io.gale.store.BackfillRepository.Backfill> backfillList(String dagId) {
        if (dagId != null) {
            requireKnown(dagId);
        }
        return store.backfills().list(dagId);
    }

    /** A recorded backfill, or a {@link NotFoundException}. */
    public io.gale.store.BackfillRepository.Backfill backfill(long id) {
        return store.backfills().find(id).orElseThrow(() -> new NotFoundException("backfill " + id + " not found"));
    }

    /**
     * Cancels a running backfill: its queued runs fail without running (runs already running
     * finish); returns it as stored. Cancelling a finished backfill changes nothing.
     */
    public io.gale.store.BackfillRepository.Backfill cancelBackfill(long id) {
        var b = backfill(id);
        if (b.state() == io.gale.core.BackfillState.RUNNING) {
            store.transact(tx -> {
                for (DagRun r : tx.runs().ofBackfill(id)) {
                    if (r.state() == DagRunState.QUEUED) {
                        tx.runs().setState(r.dagId(), r.runId(), DagRunState.FAILED, clock.instant());
                    }
                }
                tx.backfills().setState(id, io.gale.core.BackfillState.CANCELLED, clock.instant());
            });
            store.notifyChange();
        }
        return backfill(id);
    }

    /**
     * Pauses or unpauses a backfill: a paused backfill starts none of its queued runs (those
     * running finish). Returns whether it is paused now.
     */
    public boolean pauseBackfill(long id, boolean paused) {
        backfill(id);
        store.backfills().setPaused(id, paused);
        store.notifyChange();
        return paused;
    }

    /** Whether a backfill is paused. */
    public boolean backfillPaused(long id) {
        return store.backfills().pausedIds().contains(id);
    }

    /** Variables, by key (values as stored: mask them before showing). */
    public Map<String, String> variables() {
        return store.variables().list();
    }

    public String variable(String key) {
        return store.variables().get(key).orElseThrow(() -> new NotFoundException("variable '" + key + "' not found"));
    }

    public void setVariable(String key, String value) {
        if (key == null || key.isBlank() || key.length() > 250) {
            throw new BadRequestException("a variable key must be 1 to 250 characters");
        }
        store.variables().set(key, value);
    }

    public void deleteVariable(String key) {
        if (!store.variables().delete(key)) {
            throw new NotFoundException("variable '" + key + "' not found");
        }
    }

    /** Connections stored in the database, by id. */
    public List<io.gale.api.Connection> connections() {
        return store.connections().list();
    }

    public io.gale.api.Connection connection(String connId) {
        return store.connections().get(connId).orElseThrow(() -> new NotFoundException("connection '" + connId + "' not found"));
    }

    public void putConnection(io.gale.api.Connection connection) {
        if (connection.id() == null || connection.id().isBlank() || connection.id().length() > 250) {
            throw new BadRequestException("a connection id must be 1 to 250 characters");
        }
        store.connections().put(connection);
    }

    public void deleteConnection(String connId) {
        if (!store.connections().delete(connId)) {
            throw new NotFoundException("connection '" + connId + "' not found");
        }
    }

    /**
     * Values that must never be shown: connection passwords, and variables whose key contains
     * {@code password}, {@code secret}, {@code token} or {@code key}.
     */
    public List<String> secretValues() {
        List<String> secrets = new ArrayList<>();
        store.connections().list().forEach(c -> secrets.add(c.password()));
        store.variables().list().forEach((k, v) -> {
            if (isSensitiveName(k)) {
                secrets.add(v);
            }
        });
        secrets.removeIf(v -> v == null || v.length() < 3);
        return secrets;
    }

    /** Whether a variable or field name marks its value as a secret. */
    public static boolean isSensitiveName(String name) {
        return io.gale.template.TemplateRenderer.sensitive(name);
    }

    /** A model's registered versions, oldest first; a {@link NotFoundException} when it has none. */
    public List<io.gale.api.ModelVersion> modelVersions(String name) {
        List<io.gale.api.ModelVersion> versions = store.models().versions(name);
        if (versions.isEmpty()) {
            throw new NotFoundException("model '" + name + "' has no registered versions");
        }
        return versions;
    }

    /** Schedulers that are running (by their job rows), for health checks. */
    public List<io.gale.store.SchedulerJobRepository.Job> schedulers() {
        return store.schedulerJobs().running();
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            database.close();
        }
    }
}
