package io.gale.scheduler;

import io.gale.schedule.DagRunInfo;
import io.gale.schedule.DataInterval;
import io.gale.schedule.TimeRestriction;
import io.gale.store.DagRepository.NextRun;
import io.gale.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The next automated runs of a DAG, from its timetable and its latest scheduled run (Airflow's next_dagrun). */
public final class NextRuns {

    private NextRuns() {
    }

    public static TimeRestriction restriction(SchedulableDag d) {
        var dag = d.dag();
        return new TimeRestriction(dag.startDate(), dag.endDate(), dag.catchup());
    }

    /** What the next run depends on: when it changes, the stored next run is recomputed. */
    public static String signature(SchedulableDag d) {
        var dag = d.dag();
        return d.timetable().summary() + "|" + dag.startDate() + "|" + dag.endDate() + "|" + dag.catchup();
    }

    /** The run after {@code last} (null: the first), or empty when the timetable has no more. */
    public static Optional<DagRunInfo> after(SchedulableDag d, DataInterval last, Instant now) {
        return d.timetable().nextDagRunInfo(last, restriction(d), now);
    }

    /** The next {@code n} runs after the DAG's latest scheduled run. */
    public static List<DagRunInfo> upcoming(Store store, SchedulableDag d, int n, Instant now) {
        DataInterval last = store.runs().latestScheduled(d.id())
                .map(r -> new DataInterval(r.dataIntervalStart(), r.dataIntervalEnd())).orElse(null);
        List<DagRunInfo> out = new ArrayList<>();
        while (out.size() < n) {
            Optional<DagRunInfo> next = after(d, last, now);
            if (next.isEmpty()) {
                break;
            }
            out.add(next.get());
            last = next.get().dataInterval();
        }
        return out;
    }

    /** Recomputes and stores the DAG's next automated run. */
    public static void refresh(Store store, SchedulableDag d, Instant now) {
        NextRun next = upcoming(store, d, 1, now).stream().findFirst().map(i -> toNextRun(d.id(), i)).orElse(null);
        store.dags().setNext(d.id(), next, signature(d));
    }

    static NextRun toNextRun(String dagId, DagRunInfo i) {
        return new NextRun(dagId, i.logicalDate(), i.dataInterval().start(), i.dataInterval().end(), i.runAfter());
    }
}
