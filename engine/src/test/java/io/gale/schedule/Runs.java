package io.gale.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helper: drives a timetable the way a scheduler would. */
final class Runs {

    private Runs() {
    }

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    static DataInterval interval(String start, String end) {
        return new DataInterval(at(start), at(end));
    }

    /** Up to {@code count} consecutive automated runs, each created after the previous one. */
    static List<DagRunInfo> first(int count, Timetable timetable, TimeRestriction restriction, Instant now) {
        List<DagRunInfo> runs = new ArrayList<>();
        DataInterval last = null;
        while (runs.size() < count) {
            Optional<DagRunInfo> next = timetable.nextDagRunInfo(last, restriction, now);
            if (next.isEmpty()) {
                break;
            }
            runs.add(next.get());
            last = next.get().dataInterval();
        }
        return runs;
    }

    static List<DataInterval> intervals(List<DagRunInfo> runs) {
        return runs.stream().map(DagRunInfo::dataInterval).toList();
    }

    /** Catchup from {@code start}, with no end date. */
    static List<DataInterval> catchup(Timetable timetable, String start, int count) {
        return intervals(first(count, timetable, new TimeRestriction(at(start), null, true), Instant.MAX));
    }
}
