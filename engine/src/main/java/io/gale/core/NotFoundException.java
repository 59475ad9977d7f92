package io.gale.core;

/** An unknown DAG, run, task or other named thing (the CLI exits non-zero, REST answers 404). */
public class NotFoundException extends GaleException {

    public NotFoundException(String message) {
        super(message);
    }

    public static NotFoundException dag(String dagId) {
        return new NotFoundException("DAG '" + dagId + "' not found: run 'gale dags list' to see the DAGs"
                + " (and 'gale dags list-import-errors' for files that failed to load)");
    }

    public static NotFoundException task(String dagId, String taskId) {
        return new NotFoundException("task '" + taskId + "' not found in DAG '" + dagId
                + "': run 'gale dags show " + dagId + "' to see its tasks");
    }

    public static NotFoundException run(String dagId, String runId) {
        return new NotFoundException("DAG run '" + runId + "' of DAG '" + dagId
                + "' not found: run 'gale dags list-runs -d " + dagId + "' to see its runs");
    }
}
