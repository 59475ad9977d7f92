package io.gale.client;

import io.gale.core.BadRequestException;
import io.gale.core.BackfillState;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.core.RunType;
import io.gale.core.TaskState;
import io.gale.scheduler.SchedulableDag;
import io.gale.schedule.DagRunInfo;
import io.gale.schedule.DataInterval;
import io.gale.schedule.TimeRestriction;
import io.gale.store.BackfillRepository.Backfill;
import io.gale.store.NewDagRun;
import io.gale.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backfills: every scheduled interval of a DAG whose logical date lies in [from, to] (both
 * ends inclusive, as Airflow), recorded as one backfill whose runs the scheduler machinery
 * executes, so it survives a crash and resumes.
 */
public final class Backfills {

    /** What the user asked for. */
    public record Request(String dagId, Instant from, Instant to, boolean resetDagruns, boolean rerunFailedTasks,
                          boolean runBackwards, Map<String, Object> conf, Integer maxActiveRuns) {
    }

    /** What a backfill does: the runs it creates, and what it does with the runs already there. */
    public record Plan(Request request, List<DagRunInfo> toCreate, List<DagRun> leftAlone, List<DagRun> toReset,
                       List<DagRun> toRerun) {
        public int total() {
            return toCreate.size() + toReset.size() + toRerun.size();
        }
    }

    private final Store store;
    private final Clock clock;

    Backfills(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Plan plan(SchedulableDag d, Request r) {
        if (r.from().isAfter(r.to())) {
            throw new BadRequestException("backfill start " + r.from() + " is after its end " + r.to()
                    + ": give -s START earlier than or equal to -e END");
        }
        if (d.timetable().manualOnly()) {
            throw new BadRequestException("DAG '" + d.id() + "' has no schedule, so it has no intervals to backfill: "
                    + "use 'gale dags trigger " + d.id() + " -e DATE' for each run");
        }
        if (r.maxActiveRuns() != null && r.maxActiveRuns() < 1) {
            throw new BadRequestException("--max-active-runs must be at least 1, got " + r.maxActiveRuns());
        }
        List<DagRunInfo> infos = new ArrayList<>();
        TimeRestriction range = new TimeRestriction(r.from(), r.to(), true);
        DataInterval last = null;
        while (true) {
            Optional<DagRunInfo> next = d.timetable().nextDagRunInfo(last, range, clock.instant());
            if (next.isEmpty() || next.get().logicalDate().isAfter(r.to())) {
                break;
            }
            infos.add(next.get());
            last = next.get().dataInterval();
            if (infos.size() > 1_000_000) {
                throw new BadRequestException("the range holds more than a million runs: backfill a smaller range");
            }
        }
        Map<Instant, DagRun> existing = new HashMap<>();
        store.runs().between(d.id(), r.from(), r.to()).forEach(run -> existing.put(run.logicalDate(), run));
        List<DagRunInfo> create = new ArrayList<>();
        List<DagRun> leftAlone = new ArrayList<>();
        List<DagRun> reset = new ArrayList<>();
        List<DagRun> rerun = new ArrayList<>();
        for (DagRunInfo i : infos) {
            DagRun run = existing.get(i.logicalDate());
            if (run == null) {
                create.add(i);
            } else if (r.resetDagruns()) {
                reset.add(run);
            } else if (r.rerunFailedTasks() && run.state() == DagRunState.FAILED) {
                rerun.add(run);
            } else {
                leftAlone.add(run);
            }
        }
        if (r.runBackwards()) {
            Collections.reverse(create);
        }
        return new Plan(r, create, leftAlone, reset, rerun);
    }

    /** Records the backfill and its runs in one transaction; returns its id. */
    public long start(SchedulableDag d, Plan p) {
        Request r = p.request();
        int max = r.maxActiveRuns() != null ? r.maxActiveRuns() : d.maxActiveRuns();
        long id = store.transaction(tx -> {
            long backfillId = tx.backfills().create(new Backfill(0, d.id(), r.from(), r.to(), r.runBackwards(),
                    r.resetDagruns(), r.rerunFailedTasks(), max, r.conf(), BackfillState.RUNNING, p.total(), null, null));
            List<NewDagRun> runs = p.toCreate().stream().map(i -> new NewDagRun(d.id(), RunType.BACKFILL.runId(i.logicalDate()),
                    RunType.BACKFILL, i.logicalDate(), i.dataInterval().start(), i.dataInterval().end(), DagRunState.QUEUED,
                    r.conf(), backfillId)).toList();
            tx.runs().createAll(runs);
            List<DagRun> again = new ArrayList<>(p.toReset());
            again.addAll(p.toRerun());
            for (DagRun run : again) {
                var tis = tx.taskInstances().forRun(d.id(), run.runId()).stream()
                        .filter(ti -> p.toReset().contains(run) || ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED)
                        .toList();
                Operations.requeue(tx, d.dag(), run.runId(), tis.stream().map(ti -> ti.taskId()).toList(), clock.instant());
            }
            tx.runs().attachToBackfill(again.stream().map(DagRun::runId).toList(), d.id(), backfillId);
            return backfillId;
        });
        store.notifyChange();
        return id;
    }
}
