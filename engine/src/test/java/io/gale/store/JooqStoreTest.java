package io.gale.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.core.BackfillState;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.JobState;
import io.gale.core.ProcessIdentity;
import io.gale.core.RunGroup;
import io.gale.core.RunKey;
import io.gale.core.RunType;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.store.BackfillRepository.Backfill;
import io.gale.store.DagRunRepository.Scope;
import io.gale.store.SchedulerJobRepository.Job;
import io.gale.store.TaskInstanceRepository.Finish;
import io.gale.store.TaskInstanceRepository.NewTask;
import io.gale.store.TaskInstanceRepository.Start;
import io.gale.testing.TestDatabase;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The repositories on a real PostgreSQL: state enums through the converters, typed keys, batch updates. */
class JooqStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private Database db;
    private Store store;

    @BeforeEach
    void open() {
        db = TestDatabase.fresh();
        store = new JooqStore(db);
        store.serializedDags().syncBundle("test", List.of(io.gale.core.SerializedDag.of(io.gale.testing.Dags.single("d"), "x", "test")), Map.of(), false, Instant.EPOCH);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private DagRun run(String runId, int hour, DagRunState state, Long backfillId) {
        Instant t = T0.plusSeconds(3600L * hour);
        return store.runs().create(new NewDagRun("d", runId, backfillId == null ? RunType.MANUAL : RunType.BACKFILL,
                t, t, t.plusSeconds(3600), state, Map.of(), backfillId));
    }

    private DagRun find(String runId) {
        return store.runs().find("d", runId).orElseThrow();
    }

    @Test
    void createAllWritesEveryColumnAndSkipsRunsWhoseIdOrLogicalDateIsTaken() {
        run("taken_id", 0, DagRunState.QUEUED, null);
        run("other", 1, DagRunState.QUEUED, null);
        Instant t5 = T0.plusSeconds(5 * 3600);
        Instant t6 = T0.plusSeconds(6 * 3600);
        int created = store.runs().createAll(List.of(
                new NewDagRun("d", "taken_id", RunType.MANUAL, t5, t5, t5, DagRunState.QUEUED, Map.of(), null),
                new NewDagRun("d", "at_a_taken_date", RunType.MANUAL, T0.plusSeconds(3600), t5, t5, DagRunState.QUEUED, Map.of(), null),
                new NewDagRun("d", "fresh", RunType.SCHEDULED, t6, t5, t6, DagRunState.QUEUED,
                        Map.of("rows", List.of(1, "two"), "note", "it's \"quoted\""), null)));
        assertThat(created).as("only the run whose id and logical date are both free").isEqualTo(1);
        DagRun fresh = find("fresh");
        assertThat(List.of(fresh.runType(), fresh.logicalDate(), fresh.dataIntervalStart(), fresh.dataIntervalEnd(), fresh.state()))
                .containsExactly(RunType.SCHEDULED, t6, t5, t6, DagRunState.QUEUED);
        assertThat(fresh.conf()).isEqualTo(Map.of("rows", List.of(1, "two"), "note", "it's \"quoted\""));
        assertThat(fresh.backfillId()).isNull();
        assertThat(store.runs().find("d", "at_a_taken_date")).as("a run at a logical date already taken").isEmpty();
        assertThat(find("taken_id").logicalDate()).as("the run whose id was taken is left as it was").isEqualTo(T0);
    }

    @Test
    void aRunGoingBackToQueuedLosesItsStartAndEndDatesAloneOrInABatch() {
        run("alone", 0, DagRunState.QUEUED, null);
        run("batch", 1, DagRunState.QUEUED, null);
        var both = List.of(new RunKey("d", "alone"), new RunKey("d", "batch"));
        Instant started = T0.plusSeconds(10);
        Instant ended = T0.plusSeconds(20);
        Instant cleared = T0.plusSeconds(30);
        store.runs().setStates(Map.of(both.get(0), DagRunState.RUNNING, both.get(1), DagRunState.RUNNING), started);
        store.runs().setStates(Map.of(both.get(0), DagRunState.RUNNING, both.get(1), DagRunState.RUNNING), ended);
        assertThat(find("alone").startDate()).as("the first move to running sets the start date").isEqualTo(started);
        store.runs().setStates(Map.of(both.get(0), DagRunState.FAILED, both.get(1), DagRunState.FAILED), ended);
        assertThat(find("batch").startDate()).isEqualTo(started);
        assertThat(find("batch").endDate()).isEqualTo(ended);

        // cleared: back to queued, once through setState and once through setStates
        store.runs().setState("d", "alone", DagRunState.QUEUED, cleared);
        store.runs().setStates(Map.of(both.get(1), DagRunState.QUEUED), cleared);
        for (DagRun r : List.of(find("alone"), find("batch"))) {
            assertThat(r.state()).isEqualTo(DagRunState.QUEUED);
            assertThat(r.startDate()).as(r.runId() + " start date").isNull();
            assertThat(r.endDate()).as(r.runId() + " end date").isNull();
            assertThat(r.queuedAt()).as(r.runId() + " queued at").isEqualTo(cleared);
        }

        store.runs().setState("d", "alone", DagRunState.QUEUED, cleared.plusSeconds(5));
        assertThat(find("alone").queuedAt()).as("queued again while queued").isEqualTo(cleared);

        Instant rerun = T0.plusSeconds(40);
        store.runs().setState("d", "alone", DagRunState.RUNNING, rerun);
        store.runs().setStates(Map.of(both.get(1), DagRunState.RUNNING), rerun);
        assertThat(List.of(find("alone"), find("batch"))).allSatisfy(r -> {
            assertThat(r.startDate()).isEqualTo(rerun);
            assertThat(r.endDate()).isNull();
            assertThat(r.queuedAt()).isEqualTo(cleared);
        });
    }

    @Test
    void everyStateOfEveryEnumFitsTheSchemaAndReadsBack() {
        int hour = 0;
        for (RunType type : RunType.values()) {
            Instant t = T0.plusSeconds(3600L * hour++);
            store.runs().create(new NewDagRun("d", type.runId(t), type, t, t, t, DagRunState.QUEUED, Map.of()));
            assertThat(store.runs().find("d", type.runId(t)).orElseThrow().runType()).isEqualTo(type);
        }
        DagRun run = run("r", hour, DagRunState.QUEUED, null);
        for (DagRunState s : DagRunState.values()) {
            store.runs().setStates(Map.of(new RunKey("d", "r"), s), T0);
            assertThat(find("r").state()).isEqualTo(s);
        }
        List<NewTask> tasks = Arrays.stream(TaskState.values()).map(s -> new NewTask(s.id(), 1, "op")).toList();
        store.taskInstances().createMissing(Map.of(new RunKey("d", "r"), tasks));
        Map<TaskKey, TaskState> states = new LinkedHashMap<>();
        Arrays.stream(TaskState.values()).forEach(s -> states.put(new TaskKey("d", "r", s.id()), s));
        store.taskInstances().setStates(states, T0);
        assertThat(store.taskInstances().forRun("d", "r"))
                .allSatisfy(ti -> {
                    assertThat(ti.state().id()).isEqualTo(ti.taskId());
                    assertThat(ti.endDate()).as(ti.taskId() + " end date").isEqualTo(ti.state().finished() ? T0 : null);
                    assertThat(ti.startDate()).as(ti.taskId() + " start date").isEqualTo(ti.state().finished() ? T0 : null);
                })
                .hasSize(TaskState.values().length);

        long backfill = store.backfills().create(new Backfill(0, "d", T0, T0, false, false, false, 1, Map.of(),
                BackfillState.RUNNING, 1, null, null));
        assertThat(store.backfills().latestRunning("d")).map(Backfill::id).contains(backfill);
        for (BackfillState s : BackfillState.values()) {
            store.backfills().setState(backfill, s, T0);
            Backfill b = store.backfills().find(backfill).orElseThrow();
            assertThat(b.state()).isEqualTo(s);
            assertThat(b.completedAt()).isEqualTo(s == BackfillState.RUNNING ? null : T0);
        }
        assertThat(store.backfills().running()).isEmpty();

        long a = store.schedulerJobs().register(new ProcessIdentity(UUID.randomUUID(), "here", null, 1, null), T0);
        long b = store.schedulerJobs().register(new ProcessIdentity(UUID.randomUUID(), "here", null, 2, null), T0);
        long c = store.schedulerJobs().register(new ProcessIdentity(UUID.randomUUID(), "here", null, 3, null), T0);
        assertThat(store.schedulerJobs().running()).extracting(Job::state).containsOnly(JobState.RUNNING).hasSize(3);
        store.schedulerJobs().end(a, JobState.SUCCESS);
        store.schedulerJobs().markFailed(List.of(b));
        assertThat(store.schedulerJobs().running()).extracting(Job::id).containsExactly(c);
    }

    @Test
    void triesStartAndFinishInOneStatementAndOnlyTheRunningTryNamedEnds() {
        run("r", 0, DagRunState.RUNNING, null);
        store.taskInstances().createMissing(Map.of(new RunKey("d", "r"), List.of(
                new NewTask("a", 1, "op"), new NewTask("b", 1, "op"), new NewTask("c", 2, "op"), new NewTask("idle", 1, "op"))));
        TaskKey a = new TaskKey("d", "r", "a");
        TaskKey b = new TaskKey("d", "r", "b");
        TaskKey c = new TaskKey("d", "r", "c");
        TaskKey idle = new TaskKey("d", "r", "idle");
        store.taskInstances().markRunning(List.of(new Start(a, 1), new Start(b, 1), new Start(c, 3)), T0, "host", 7, 9);
        TaskInstance started = store.taskInstances().find(c).orElseThrow();
        assertThat(started.state()).isEqualTo(TaskState.RUNNING);
        assertThat(started.tryNumber()).isEqualTo(3);
        assertThat(started.maxTries()).as("a try beyond max_tries raises it").isEqualTo(3);
        assertThat(started.startDate()).isEqualTo(T0);
        assertThat(started.hostname()).isEqualTo("host");
        assertThat(started.pid()).isEqualTo(7);
        assertThat(store.taskInstances().find(idle).orElseThrow().state()).isEqualTo(TaskState.NONE);

        Instant end = T0.plusMillis(2500);
        Instant retryAt = end.plusSeconds(60);
        List<TaskKey> ended = store.taskInstances().finishTries(List.of(
                new Finish(a, 1, TaskState.SUCCESS, end, null),
                new Finish(b, 2, TaskState.FAILED, end, null), // not b's running try
                new Finish(c, 3, TaskState.UP_FOR_RETRY, end, retryAt),
                new Finish(idle, 1, TaskState.FAILED, end, null))); // not running
        assertThat(ended).containsExactlyInAnyOrder(a, c);
        TaskInstance done = store.taskInstances().find(a).orElseThrow();
        assertThat(done.state()).isEqualTo(TaskState.SUCCESS);
        assertThat(done.endDate()).isEqualTo(end);
        assertThat(done.duration()).isEqualTo(2.5);
        assertThat(done.nextRetryAt()).isNull();
        assertThat(store.taskInstances().find(b).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
        assertThat(store.taskInstances().find(c).orElseThrow().nextRetryAt()).isEqualTo(retryAt);
        assertThat(store.taskInstances().find(idle).orElseThrow().state()).isEqualTo(TaskState.NONE);

        // clearing restarts the running try and resets the others
        store.taskInstances().clear("d", "r", List.of("a", "b"), 0);
        assertThat(store.taskInstances().find(a).orElseThrow().state()).isEqualTo(TaskState.NONE);
        assertThat(store.taskInstances().find(b).orElseThrow().state()).isEqualTo(TaskState.RESTARTING);
    }

    @Test
    void runningRunsAreCountedPerDagAndBackfillAndLockedByKey() {
        long backfill = store.backfills().create(new Backfill(0, "d", T0, T0, false, false, false, 1, Map.of(),
                BackfillState.RUNNING, 1, null, null));
        run("m1", 0, DagRunState.RUNNING, null);
        run("m2", 1, DagRunState.RUNNING, null);
        run("q", 2, DagRunState.QUEUED, null);
        run("b1", 3, DagRunState.RUNNING, backfill);
        run("b2", 4, DagRunState.SUCCESS, backfill);
        assertThat(store.runs().activeGroups(Scope.ALL)).containsExactlyInAnyOrder(
                new DagRunRepository.ActiveGroup(new RunGroup("d", null), 2, 1), new DagRunRepository.ActiveGroup(new RunGroup("d", backfill), 1, 0));
        assertThat(store.runs().activeGroups(Scope.run("d", "m1"))).containsExactlyInAnyOrder(
                new DagRunRepository.ActiveGroup(new RunGroup("d", null), 2, 0), new DagRunRepository.ActiveGroup(new RunGroup("d", backfill), 1, 0));
        List<DagRun> some = store.transaction(tx -> tx.runs().lockRunning(Scope.ALL, List.of(new RunKey("d", "m2"), new RunKey("d", "q"))));
        assertThat(some).extracting(DagRun::runId).containsExactly("m2");
        List<DagRun> all = store.transaction(tx -> tx.runs().lockRunning(Scope.ALL, null));
        assertThat(all).extracting(DagRun::runId).containsExactly("m1", "m2", "b1");
        assertThat(store.backfills().progress(backfill)).isEqualTo(new BackfillRepository.Progress(2, 1, 0, 1, 0));
        assertThat(store.backfills().hasActiveRuns(backfill)).as("b1 runs").isTrue();
        store.runs().setState("d", "b1", DagRunState.SUCCESS, T0);
        assertThat(store.backfills().hasActiveRuns(backfill)).as("every run finished").isFalse();
        store.runs().setState("d", "b2", DagRunState.QUEUED, T0);
        assertThat(store.backfills().hasActiveRuns(backfill)).as("b2 queued again").isTrue();
    }

    @Test
    void eachWriteOfTheSchedulerLoopIsOneStatementWhateverItsRowCount() {
        AtomicInteger statements = new AtomicInteger();
        ExecuteListener counter = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                if (ctx.batchMode() != ExecuteContext.BatchMode.SINGLE) {
                    statements.addAndGet(Math.max(1, ctx.batchSQL().length));
                }
            }

            @Override
            public void bindStart(ExecuteContext ctx) {
                if (ctx.batchMode() == ExecuteContext.BatchMode.SINGLE) {
                    statements.incrementAndGet(); // one statement per bound row
                }
            }
        };
        Store counted = new JooqStore(DSL.using(db.dsl().configuration().deriveAppending(counter)));
        int n = 40;
        IntStream.range(0, n).forEach(i -> run("r" + i, i, DagRunState.QUEUED, null));
        List<RunKey> runs = IntStream.range(0, n).mapToObj(i -> new RunKey("d", "r" + i)).toList();
        List<TaskKey> tasks = runs.stream().map(r -> new TaskKey(r.dagId(), r.runId(), "t")).toList();
        Map<String, Runnable> writes = new LinkedHashMap<>();
        Map<RunKey, DagRunState> running = new LinkedHashMap<>();
        runs.forEach(r -> running.put(r, DagRunState.RUNNING));
        writes.put("runs().setStates", () -> counted.runs().setStates(running, T0));
        Map<RunKey, List<NewTask>> missing = new LinkedHashMap<>();
        runs.forEach(r -> missing.put(r, List.of(new NewTask("t", 1, "op"))));
        writes.put("createMissing", () -> counted.taskInstances().createMissing(missing));
        Map<TaskKey, TaskState> scheduled = new LinkedHashMap<>();
        tasks.forEach(k -> scheduled.put(k, TaskState.SCHEDULED));
        writes.put("taskInstances().setStates", () -> counted.taskInstances().setStates(scheduled, T0));
        writes.put("markRunning", () -> counted.taskInstances().markRunning(tasks.stream().map(k -> new Start(k, 1)).toList(), T0, "h", 1, 1));
        writes.put("finishTries", () -> assertThat(counted.taskInstances().finishTries(
                tasks.stream().map(k -> new Finish(k, 1, TaskState.SUCCESS, T0, null)).toList())).hasSize(n));
        writes.put("logs().putAll", () -> counted.logs().putAll(tasks.stream().map(k -> new TaskLogRepository.Entry(k, 1, "ok")).toList()));
        writes.put("xcoms().putAll", () -> counted.xcoms().putAll(tasks.stream()
                .map(k -> new XComRepository.Push(k, "return_value", "{\"run\": \"" + k.runId() + "\"}")).toList()));
        writes.put("setProcessGroups", () -> counted.taskInstances().setProcessGroups(tasks.stream()
                .map(k -> new TaskInstanceRepository.ProcessGroup(k, 1, 4242)).toList()));
        writes.put("xcoms().putAll again", () -> counted.xcoms().putAll(tasks.stream()
                .map(k -> new XComRepository.Push(k, "return_value", "[1, 2]")).toList()));
        writes.forEach((name, write) -> {
            statements.set(0);
            write.run();
            assertThat(statements.get()).as(name + " of " + n + " rows").isEqualTo(1);
        });
        assertThat(store.taskInstances().progress(tasks)).extracting(TaskInstanceRepository.Progress::state).containsOnly(TaskState.SUCCESS).hasSize(n);
        assertThat(store.runs().list("d")).extracting(DagRun::state).containsOnly(DagRunState.RUNNING);
        assertThat(store.xcoms().get(tasks.get(3), "return_value")).contains("[1, 2]");
        assertThat(store.taskInstances().find(tasks.get(3)).orElseThrow().processGroup())
                .as("a group reported for a try that already ended is not recorded").isNull();
    }

    @Test
    void deletingARunDeletesItsTaskInstancesLogsAndXComsButNotAnotherRunsOrWithTheSameTaskIds() {
        run("gone", 0, DagRunState.RUNNING, null);
        run("kept", 1, DagRunState.RUNNING, null);
        TaskKey gone = new TaskKey("d", "gone", "t");
        TaskKey kept = new TaskKey("d", "kept", "t");
        for (TaskKey k : List.of(gone, kept)) {
            store.taskInstances().createMissing(Map.of(RunKey.of(k), List.of(new NewTask("t", 1, "op"))));
            store.logs().putAll(List.of(new TaskLogRepository.Entry(k, 1, "log of " + k.runId())));
            store.xcoms().put(k, "return_value", "1");
        }
        assertThat(store.runs().delete("d", "gone")).isTrue();
        assertThat(store.runs().find("d", "gone")).isEmpty();
        assertThat(store.taskInstances().find(gone)).isEmpty();
        assertThat(store.logs().get(gone, 1)).as("no log row outlives its run").isEmpty();
        assertThat(store.xcoms().get(gone, "return_value")).as("no XCom outlives its run").isEmpty();
        assertThat(store.logs().get(kept, 1)).contains("log of kept");
        assertThat(store.xcoms().get(kept, "return_value")).contains("1");
        assertThat(store.runs().delete("d", "gone")).as("a second delete finds nothing").isFalse();
    }
}
