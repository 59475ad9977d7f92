package io.gale.client;

import java.util.List;

/** A DAG as {@code dags list} shows it. */
public record DagSummary(String dagId, String fileloc, boolean paused, String schedule, String timezone,
                         List<String> tags, int tasks, String description) {
}
