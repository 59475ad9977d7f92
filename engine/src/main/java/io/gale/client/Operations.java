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
        return dagProcessor(io.gale.metrics.Metrics.none());
    }

    /** A DAG processor that records its passes in {@code metrics}. */
    public DagProcessor dagProcessor(io.gale.metrics.Metrics metrics) {
        return new DagProcessor(config.dagsFolder(), config.dagCacheDir(), config.home().resolve("logs").resolve("dag-processor.log"),
                config.dagImportTimeout(), store, config.pausedAtCreation(), clock, metrics);
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

    /** A run's task callbacks as the callback outbox holds them (pending, delivered or failed), oldest first. */
    public List<io.gale.store.CallbackOutboxRepository.Entry> callbacks(String dagId, String runId) {
        run(dagId, runId);
        return store.callbacks().forRun(dagId, runId);
    }

    /** How many task callbacks, of every DAG, wait to be delivered. */
    public int pendingCallbacks() {
        return store.callbacks().countPending();
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
        io.gale.store.StoredDag row = store.dags().find(dagId).orElseThrow(() -> NotFoundException.dag(dagId));
        run(dagId, runId);
        List<String> order = parsed(row).map(SerializedDag::topologicalOrder).orElse(List.of());
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
        return new Workers(store, clock, this);
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

    /** A page of the active DAGs' rows, filtered, ordered and cut by the database (the REST API's list). */
    public io.gale.store.DagRepository.Page dagPage(io.gale.store.DagRepository.Query query) {
        return store.dags().page(query);
    }

    /**
     * One task instance, read by its key; a {@link NotFoundException} naming the DAG, the run or the
     * task when one is missing.
     */
    public TaskInstance taskInstance(String dagId, String runId, String taskId) {
        Optional<TaskInstance> ti = store.taskInstances().find(new TaskKey(dagId, runId, taskId));
        if (ti.isPresent()) {
            return ti.get();
        }
        requireKnown(dagId);
        run(dagId, runId);
        throw new NotFoundException("task instance '" + taskId + "' of run '" + runId + "' of DAG '" + dagId + "' not found");
    }

    /**
     * A DAG's timetable as last parsed (kept until the DAG processor records the DAG again), and the
     * next run last computed from it: after {@code last}, at {@code computedAt}.
     */
    private record ParsedTimetable(Instant lastParsedAt, SchedulableDag dag, io.gale.schedule.DataInterval last,
                                   Optional<io.gale.schedule.DagRunInfo> next, Instant computedAt) {
    }

    /** A serialized DAG as parsed, with the {@code lastParsedAt} of the row it was read for. */
    private record ParsedDag(Instant lastParsedAt, SerializedDag dag) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, ParsedDag> parsedDags = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The serialized DAG of a DAG row, read and parsed again only when the DAG processor recorded the
     * DAG since (it writes the row and the serialized DAG together, so {@code lastParsedAt} changes).
     */
    private Optional<SerializedDag> parsed(io.gale.store.StoredDag row) {
        ParsedDag p = parsedDags.get(row.dagId());
        if (p != null && java.util.Objects.equals(p.lastParsedAt(), row.lastParsedAt())) {
            return Optional.of(p.dag());
        }
        Optional<SerializedDag> dag = store.serializedDags().find(row.dagId());
        dag.ifPresent(d -> parsedDags.put(row.dagId(), new ParsedDag(row.lastParsedAt(), d)));
        return dag;
    }

    /** How long a computed next run is shown before it is computed again (for the same latest run). */
    static final java.time.Duration NEXT_RUN_REUSE = java.time.Duration.ofMinutes(1);

    private final java.util.concurrent.ConcurrentHashMap<String, ParsedTimetable> timetables = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The next scheduled run of a DAG after its latest scheduled run (empty without a schedule), as
     * the lists show it: one query for the latest run; the serialized DAG is parsed again only when
     * the DAG processor recorded it since (its row's {@code lastParsedAt} changed), and the
     * timetable is asked again only when the latest run changed or a minute passed ({@link
     * #NEXT_RUN_REUSE}; a cron timetable takes milliseconds, too much for every row of every list).
     *
     * @throws io.gale.core.GaleException when the DAG's schedule no longer parses
     */
    public Optional<io.gale.schedule.DagRunInfo> nextRun(io.gale.store.StoredDag row) {
        if (row.schedule() == null) {
            return Optional.empty();
        }
        io.gale.schedule.DataInterval last = store.runs().latestScheduled(row.dagId())
                .map(r -> new io.gale.schedule.DataInterval(r.dataIntervalStart(), r.dataIntervalEnd())).orElse(null);
        Instant now = clock.instant();
        ParsedTimetable t = timetables.get(row.dagId());
        if (t != null && java.util.Objects.equals(t.lastParsedAt(), row.lastParsedAt()) && java.util.Objects.equals(t.last(), last)
                && !now.isBefore(t.computedAt()) && now.isBefore(t.computedAt().plus(NEXT_RUN_REUSE))) {
            return t.next();
        }
        SchedulableDag dag = t != null && java.util.Objects.equals(t.lastParsedAt(), row.lastParsedAt()) ? t.dag()
                : SchedulableDag.of(parsed(row).orElseThrow(() -> NotFoundException.dag(row.dagId())));
        Optional<io.gale.schedule.DagRunInfo> next = io.gale.scheduler.NextRuns.after(dag, last, now);
        timetables.put(row.dagId(), new ParsedTimetable(row.lastParsedAt(), dag, last, next, now));
        return next;
    }

    /** The newest {@code perDag} runs of each DAG, in one query (for lists of DAGs). */
    public Map<String, List<DagRun>> latestRuns(Collection<String> dagIds, int perDag) {
        return store.runs().latest(dagIds, perDag);
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

    /** The states a user may mark one task instance with. */
    public static final Set<io.gale.core.TaskState> MARKABLE = java.util.EnumSet.of(io.gale.core.TaskState.SUCCESS,
            io.gale.core.TaskState.FAILED, io.gale.core.TaskState.SKIPPED);

    /**
     * Marks a task instance (with {@code upstream}/{@code downstream}, those of its run too) as a
     * user does in Airflow's UI: {@code success}, {@code failed} or {@code skipped}. Returns the task
     * instances whose state changes (with {@code dryRun}, as they are now, and nothing is written).
     * A try still running keeps running, but its end no longer overwrites the mark. Marking success
     * also clears the failed and upstream-failed task instances downstream of the marked ones (as
     * Airflow does), so they run again. When anything changed in a finished run, the run goes back
     * to the queue and the scheduler decides its state again from its task instances.
     *
     * @throws BadRequestException naming the state when it cannot be marked
     * @throws NotFoundException   when the DAG, run or task instance does not exist
     */
    public List<TaskInstance> markTask(String dagId, String runId, String taskId, io.gale.core.TaskState state,
                                       boolean upstream, boolean downstream, boolean dryRun) {
        if (!MARKABLE.contains(state)) {
            throw new BadRequestException("a task instance can be marked success, failed or skipped, not " + state.id());
        }
        SerializedDag dag = dag(dagId);
        DagRun run = run(dagId, runId);
        Map<String, TaskInstance> instances = new java.util.LinkedHashMap<>();
        store.taskInstances().forRun(dagId, runId).forEach(ti -> instances.put(ti.taskId(), ti));
        if (!instances.containsKey(taskId)) {
            throw NotFoundException.task(dagId, taskId);
        }
        Set<String> ids = new LinkedHashSet<>();
        ids.add(taskId);
        if (downstream) {
            addDownstream(dag, taskId, ids);
        }
        if (upstream) {
            addUpstream(dag, taskId, ids);
        }
        List<TaskInstance> changed = dag.topologicalOrder().stream().filter(ids::contains).map(instances::get)
                .filter(java.util.Objects::nonNull).filter(ti -> ti.state() != state).toList();
        if (dryRun || changed.isEmpty()) {
            return changed;
        }
        Set<String> toClear = new LinkedHashSet<>();
        if (state == io.gale.core.TaskState.SUCCESS) {
            Set<String> below = new LinkedHashSet<>();
            ids.forEach(t -> addDownstream(dag, t, below));
            below.removeAll(ids);
            below.stream().map(instances::get).filter(java.util.Objects::nonNull)
                    .filter(ti -> ti.state() == io.gale.core.TaskState.FAILED || ti.state() == io.gale.core.TaskState.UPSTREAM_FAILED)
                    .forEach(ti -> toClear.add(ti.taskId()));
        }
        Instant now = clock.instant();
        store.transact(tx -> {
            Map<TaskKey, io.gale.core.TaskState> states = new java.util.HashMap<>();
            changed.forEach(ti -> states.put(ti.key(), state));
            tx.taskInstances().setStates(states, now);
            if (!toClear.isEmpty()) {
                requeue(tx, dag, runId, toClear, now);
            } else if (run.state().finished()) {
                tx.runs().setState(dagId, runId, DagRunState.QUEUED, now);
            }
        });
        store.notifyChange();
        Set<String> changedIds = new LinkedHashSet<>();
        changed.forEach(ti -> changedIds.add(ti.taskId()));
        return taskStates(dagId, runId).stream().filter(ti -> changedIds.contains(ti.taskId())).toList();
    }

    private static void addUpstream(SerializedDag dag, String taskId, Set<String> into) {
        var task = dag.task(taskId);
        if (task == null) {
            return;
        }
        for (String u : task.upstreamIds()) {
            if (into.add(u)) {
                addUpstream(dag, u, into);
            }
        }
    }

    /** A registered model version, or a {@link NotFoundException} naming it. */
    public io.gale.api.ModelVersion modelVersion(String name, int version) {
        return store.models().version(name, version).orElseThrow(() -> new NotFoundException(
                "model '" + name + "' has no version " + version + ": run 'gale models show " + name + "'"));
    }

    /**
     * The training curves of a model version: those the run that registered it recorded (per
     * training task, its latest try), empty when the version names no run or the run recorded none.
     *
     * @throws NotFoundException when the version does not exist
     */
    public List<io.gale.store.TrainingMetricRepository.Curve> trainingCurves(String name, int version) {
        io.gale.api.ModelVersion v = modelVersion(name, version);
        if (v.dagId() == null || v.runId() == null) {
            return List.of();
        }
        return store.trainingMetrics().forRun(v.dagId(), v.runId());
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

    /**
     * Airflow's {@code jobs check}: the running schedulers that heartbeated within {@code within}
     * of now, only those on {@code hostname} when it is not null.
     */
    public List<io.gale.store.SchedulerJobRepository.Job> aliveSchedulers(java.time.Duration within, String hostname) {
        Instant since = clock.instant().minus(within);
        return schedulers().stream()
                .filter(j -> j.latestHeartbeat() != null && !j.latestHeartbeat().isBefore(since))
                .filter(j -> hostname == null || hostname.equals(j.process().hostname()))
                .toList();
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
