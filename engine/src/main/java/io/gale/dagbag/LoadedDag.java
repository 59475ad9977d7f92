package io.gale.dagbag;

import io.gale.api.Dag;
import io.gale.schedule.Timetable;

/** A valid DAG, where it came from, and its timetable. */
public record LoadedDag(Dag dag, String fileloc, Timetable timetable) {

    public String id() {
        return dag.id();
    }
}
