package io.gale.web.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gale.core.DagRun;
import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.core.TaskInstance;
import io.gale.core.TaskState;
import io.gale.store.StoredDag;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON shapes of Airflow 3's REST API (names as in its OpenAPI document, written in
 * snake_case), and how Gale's records map to them.
 */
final class Shapes {

    private Shapes() {
    }

    record DagTag(String name, String dagId, String dagDisplayName) {
    }

    record Dag(String dagId, String dagDisplayName, boolean isPaused, boolean isStale, Instant lastParsedTime,
               Double lastParseDuration, Instant lastExpired, String bundleName, String bundleVersion,
               String relativeFileloc, String fileloc, String description, String timetableSummary,
               String timetableDescription, boolean timetablePartitioned, List<DagTag> tags, int maxActiveTasks,
               Integer maxActiveRuns, int maxConsecutiveFailedDagRuns, boolean hasTaskConcurrencyLimits,
               boolean hasImportErrors, Instant nextDagrunLogicalDate, Instant nextDagrunDataIntervalStart,
               Instant nextDagrunDataIntervalEnd, Instant nextDagrunRunAfter, List<String> owners, String fileToken) {
    }

    record DagCollection(List<Dag> dags, int totalEntries) {
    }

    static Dag dag(StoredDag d, boolean hasImportErrors) {
        return dag(d, hasImportErrors, null);
    }

    /** The DAG with its next scheduled run ({@code next} may be null: no schedule, or not computed for lists). */
    static Dag dag(StoredDag d, boolean hasImportErrors, io.gale.schedule.DagRunInfo next) {
        List<DagTag> tags = d.tags().stream().map(t -> new DagTag(t, d.dagId(), d.dagId())).toList();
        String bundle = d.fileloc() != null && d.fileloc().startsWith("classpath:") ? "classpath" : "dags-folder";
        return new Dag(d.dagId(), d.dagId(), d.paused(), !d.active(), d.lastParsedAt(), null, null, bundle, null,
                relative(d.fileloc()), d.fileloc(), d.description(), d.schedule(), d.schedule(), false, tags,
                d.maxActiveTasks(), d.maxActiveRuns(), 0, false, hasImportErrors,
                next == null ? null : next.logicalDate(), next == null ? null : next.dataInterval().start(),
                next == null ? null : next.dataInterval().end(), next == null ? null : next.runAfter(), List.of(),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(d.fileloc()).getBytes(StandardCharsets.UTF_8)));
    }

    private static String relative(String fileloc) {
        if (fileloc == null) {
            return null;
        }
        int slash = fileloc.lastIndexOf('/');
        return slash < 0 ? fileloc : fileloc.substring(slash + 1);
    }

    /** Airflow's TimeDelta object. */
    record TimeDelta(@JsonProperty("__type") String type, long days, long seconds, long microseconds) {
        static TimeDelta of(Duration d) {
            if (d == null) {
                return null;
            }
            return new TimeDelta("TimeDelta", d.toDays(), d.toSecondsPart() + 60L * d.toMinutesPart() + 3600L * d.toHoursPart(),
                    d.toNanosPart() / 1000);
        }
    }

    /** A task; {@code retry_exponential_backoff} is Airflow 3's multiplier: 2 (Gale's doubling) or 0 (off). */
    record Task(String taskId, String taskDisplayName, String owner, Instant startDate, Instant endDate,
                String triggerRule, boolean dependsOnPast, boolean waitForDownstream, int retries, String queue,
                String pool, int poolSlots, TimeDelta executionTimeout, TimeDelta retryDelay,
                double retryExponentialBackoff, int priorityWeight, String weightRule, String uiColor,
                String uiFgcolor, List<String> templateFields, List<String> downstreamTaskIds, String docMd,
                String operatorName, Map<String, Object> params, Map<String, String> classRef, boolean isMapped,
                List<String> extraLinks) {
    }

    record TaskCollection(List<Task> tasks, int totalEntries) {
    }

    static Task task(SerializedDag dag, SerializedTask t) {
        Map<String, String> classRef = t.operator().equals("lambda") ? Map.of("class_name", "lambda")
                : Map.of("module_path", t.operator().substring(0, Math.max(0, t.operator().lastIndexOf('.'))),
                        "class_name", t.operatorName());
        return new Task(t.id(), t.id(), "gale", dag.startDate(), dag.endDate(), t.triggerRule().name().toLowerCase(java.util.Locale.ROOT),
                false, false, t.retries(), "default", "default_pool", 1, TimeDelta.of(t.executionTimeout()),
                TimeDelta.of(t.retryDelay()), t.retryExponentialBackoff() ? 2.0 : 0.0, 1, "downstream", "#fff", "#000", List.of(),
                dag.downstreamIds(t.id()), null, t.operatorName(), Map.of(), classRef, false, List.of());
    }

    record DagRunJson(String dagRunId, String dagId, Instant logicalDate, Instant queuedAt, Instant startDate,
                      Instant endDate, Double duration, Instant dataIntervalStart, Instant dataIntervalEnd,
                      Instant runAfter, Instant lastSchedulingDecision, String runType, String state,
                      String triggeredBy, String triggeringUserName, Map<String, Object> conf, String note,
                      List<Object> dagVersions, String bundleVersion, String dagDisplayName, String partitionKey) {
    }

    record DagRunCollection(List<DagRunJson> dagRuns, int totalEntries) {
    }

    static DagRunJson run(DagRun r) {
        Double duration = r.startDate() != null && r.endDate() != null
                ? Duration.between(r.startDate(), r.endDate()).toNanos() / 1e9 : null;
        Instant runAfter = r.dataIntervalEnd() != null && r.runType() == io.gale.core.RunType.SCHEDULED ? r.dataIntervalEnd()
                : r.logicalDate();
        String triggeredBy = switch (r.runType()) {
            case SCHEDULED -> "timetable";
            case BACKFILL -> "backfill";
            case MANUAL -> null;
        };
        return new DagRunJson(r.runId(), r.dagId(), r.logicalDate(), r.queuedAt(), r.startDate(), r.endDate(), duration,
                r.dataIntervalStart(), r.dataIntervalEnd(), runAfter, null, r.runType().id(), r.state().id(), triggeredBy,
                null, r.conf(), null, List.of(), null, r.dagId(), null);
    }

    record TaskInstanceJson(String id, String taskId, String dagId, String dagRunId, int mapIndex, Instant logicalDate,
                            Instant runAfter, Instant startDate, Instant endDate, Double duration, String state,
                            int tryNumber, int maxTries, String taskDisplayName, String dagDisplayName, String hostname,
                            String unixname, String pool, int poolSlots, String queue, Integer priorityWeight,
                            String operator, String operatorName, Instant queuedWhen, Instant scheduledWhen, Integer pid,
                            String executor, String executorConfig, String note, String renderedMapIndex,
                            Map<String, Object> renderedFields) {
    }

    record TaskInstanceCollection(List<TaskInstanceJson> taskInstances, int totalEntries) {
    }

    /** Airflow has no state "none": such a task instance's state is null. */
    static String state(TaskState s) {
        return s == null || s == TaskState.NONE ? null : s.id();
    }

    static TaskInstanceJson taskInstance(TaskInstance ti, DagRun run) {
        UUID id = UUID.nameUUIDFromBytes((ti.dagId() + "\u0000" + ti.runId() + "\u0000" + ti.taskId()).getBytes(StandardCharsets.UTF_8));
        String operatorName = ti.operator() == null ? null : ti.operator().substring(ti.operator().lastIndexOf('.') + 1);
        return new TaskInstanceJson(id.toString(), ti.taskId(), ti.dagId(), ti.runId(), -1, run.logicalDate(),
                run(run).runAfter(), ti.startDate(), ti.endDate(), ti.duration(), state(ti.state()), ti.tryNumber(),
                Math.max(0, ti.maxTries() - 1), ti.taskId(), ti.dagId(), ti.hostname(), null, "default_pool", 1, "default", 1,
                operatorName, operatorName, ti.queuedAt(), null, ti.pid(), null, "{}", null, null, Map.of());
    }

    record TaskInstanceTry(String taskId, String dagId, String dagRunId, int mapIndex, Instant startDate,
                           Instant endDate, Double duration, String state, int tryNumber, int maxTries,
                           String taskDisplayName, String dagDisplayName, String hostname, String unixname, String pool,
                           int poolSlots, String queue, Integer priorityWeight, String operator, String operatorName,
                           Instant queuedWhen, Instant scheduledWhen, Integer pid, String executor, String executorConfig) {
    }

    record TaskInstanceTryCollection(List<TaskInstanceTry> taskInstances, int totalEntries) {
    }

    /**
     * A try of a task instance. Gale keeps every try's log but only the latest try's state and
     * dates: an earlier try has no dates, and the state {@code up_for_retry} when the instance is
     * past it (a try that failed and was retried), or none when it was cleared.
     */
    static TaskInstanceTry attempt(TaskInstance ti, int tryNumber) {
        boolean latest = tryNumber == ti.tryNumber();
        TaskInstanceJson j = taskInstance(ti, new DagRun(0, ti.dagId(), ti.runId(), io.gale.core.RunType.MANUAL, null, null,
                null, io.gale.core.DagRunState.RUNNING, Map.of(), null, null, null, null));
        return new TaskInstanceTry(ti.taskId(), ti.dagId(), ti.runId(), -1, latest ? ti.startDate() : null,
                latest ? ti.endDate() : null, latest ? ti.duration() : null, latest ? state(ti.state()) : null, tryNumber,
                j.maxTries(), ti.taskId(), ti.dagId(), latest ? ti.hostname() : null, null, "default_pool", 1, "default", 1,
                j.operator(), j.operatorName(), latest ? ti.queuedAt() : null, null, latest ? ti.pid() : null, null, "{}");
    }

    record XCom(String key, Instant timestamp, Instant logicalDate, int mapIndex, String taskId, String dagId,
                String runId, String dagDisplayName, String taskDisplayName, Instant runAfter) {
    }

    record XComCollection(List<XCom> xcomEntries, int totalEntries) {
    }

    record XComValue(String key, Instant timestamp, Instant logicalDate, int mapIndex, String taskId, String dagId,
                     String runId, String dagDisplayName, String taskDisplayName, Instant runAfter, Object value) {
    }

    record Backfill(long id, String dagId, Instant fromDate, Instant toDate, Map<String, Object> dagRunConf,
                    boolean isPaused, String reprocessBehavior, int maxActiveRuns, Instant createdAt,
                    Instant completedAt, Instant updatedAt, String dagDisplayName) {
    }

    record BackfillCollection(List<Backfill> backfills, int totalEntries) {
    }

    static Backfill backfill(io.gale.store.BackfillRepository.Backfill b, boolean paused) {
        String reprocess = b.resetDagruns() ? "completed" : b.rerunFailedTasks() ? "failed" : "none";
        Instant updated = b.completedAt() != null ? b.completedAt() : b.createdAt();
        return new Backfill(b.id(), b.dagId(), b.fromDate(), b.toDate(), b.conf(), paused, reprocess, b.maxActiveRuns(),
                b.createdAt(), b.completedAt(), updated, b.dagId());
    }

    record DryRunBackfill(Instant logicalDate) {
    }

    record DryRunBackfillCollection(List<DryRunBackfill> backfills, int totalEntries) {
    }

    record ImportError(long importErrorId, Instant timestamp, String filename, String bundleName, String stackTrace) {
    }

    record ImportErrorCollection(List<ImportError> importErrors, int totalEntries) {
    }

    record Variable(String key, String value, String description, boolean isEncrypted) {
    }

    record VariableCollection(List<Variable> variables, int totalEntries) {
    }

    record Connection(String connectionId, String connType, String description, String host, String login,
                      String schema, Integer port, String password, String extra) {
    }

    record ConnectionCollection(List<Connection> connections, int totalEntries) {
    }

    record Status(String status) {
    }

    record SchedulerStatus(String status, String latestSchedulerHeartbeat) {
    }

    record TriggererStatus(String status, String latestTriggererHeartbeat) {
    }

    record DagProcessorStatus(String status, String latestDagProcessorHeartbeat) {
    }

    record Health(Status metadatabase, SchedulerStatus scheduler, TriggererStatus triggerer, DagProcessorStatus dagProcessor) {
    }

    record Version(String version, String gitVersion) {
    }

    record LogLine(String event) {
    }

    record Log(List<LogLine> content, String continuationToken) {
    }
}
