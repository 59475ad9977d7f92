package io.gale.api;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running task sees of its DAG run. XCom values are JSON: pushing converts the value with
 * Jackson, pulling converts the stored JSON to the type asked for.
 */
public interface TaskContext {

    /** The XCom key under which a task's return value is stored. */
    String RETURN_VALUE = "return_value";

    String dagId();

    String runId();

    String taskId();

    /** 1 for the first try, 2 for the first retry, and so on. */
    int tryNumber();

    /** The most tries this task gets: retries + 1. */
    int maxTries();

    /** The DAG's timezone. */
    ZoneId timezone();

    /** The run's logical date: for a scheduled run, the start of its data interval. */
    Instant logicalDate();

    Instant dataIntervalStart();

    /** The (exclusive) end of the data interval. */
    Instant dataIntervalEnd();

    default ZonedDateTime logicalDateLocal() {
        return logicalDate().atZone(timezone());
    }

    default ZonedDateTime dataIntervalStartLocal() {
        return dataIntervalStart().atZone(timezone());
    }

    default ZonedDateTime dataIntervalEndLocal() {
        return dataIntervalEnd().atZone(timezone());
    }

    /** The DAG's params with their defaults, overridden by the run's conf. */
    Map<String, Object> params();

    /** A param converted to {@code type}, or {@code null} when it is not set. */
    <T> T param(String name, Class<T> type);

    /** The conf the run was triggered with ({@code -c JSON}); empty when none. */
    Map<String, Object> conf();

    /** Stores {@code value} (as JSON) under {@code key} for this task instance. */
    void xcomPush(String key, Object value);

    /** The {@code return_value} of {@code taskId} in this run, or {@code null}. */
    default <T> T xcomPull(String taskId, Class<T> type) {
        return xcomPull(taskId, RETURN_VALUE, type);
    }

    /** The value {@code taskId} pushed under {@code key} in this run, or {@code null}. */
    <T> T xcomPull(String taskId, String key, Class<T> type);

    /**
     * The {@code return_value} of several tasks, in the order of {@code taskIds}; a task that
     * pushed nothing gives a {@code null} at its position (as Airflow 3 does).
     */
    default <T> List<T> xcomPull(List<String> taskIds, Class<T> type) {
        return xcomPull(taskIds, RETURN_VALUE, type);
    }

    <T> List<T> xcomPull(List<String> taskIds, String key, Class<T> type);

    /**
     * Renders a Jinja template of an operator field (as Airflow's templated fields) with this
     * try's context: {@code {{ ds }}}, {@code {{ params.city }}}, {@code {{ ti.xcom_pull('up') }}},
     * filters and {@code {% if %}}. The rendered value is written to the try's log as one line
     * ({@code Rendered bash_command: ...}) and kept in the XCom {@code rendered_fields}, with
     * secrets masked; the value returned is unmasked.
     *
     * @param field the field's name ({@code bash_command}, {@code env.NAME}), used in the log and in errors
     * @throws RuntimeException with a one-line message naming the field, such as
     *     {@code template error in bash_command: 'params.cty' is undefined}, when the template is
     *     malformed or names something undefined
     */
    String render(String field, String template);

    /** This try's log. */
    TaskLog log();

    /** A working directory for this task instance, created on first use and kept between tries. */
    Path workDir();

    /**
     * Tells Gale that this try started the processes of process group {@code id} (the pid of a
     * session leader, as {@code setsid} makes). The task instance records it; should the process
     * running the try die, a scheduler on the same machine that takes the try over kills whatever
     * is left of the group, and waits for it to be gone, before the task is retried.
     */
    void runsProcessGroup(long id);

    /** A connection by id: the environment ({@code GALE_CONN_<ID>}) first, then the database. */
    Optional<Connection> connection(String connId);

    /** A variable: the environment ({@code GALE_VAR_<KEY>}) first, then the database. */
    Optional<String> variable(String key);

    /**
     * The model registry, in the metadata database. On a remote worker ({@code gale worker}, which
     * holds no database credentials) its calls go through the web server's worker API, and each is
     * refused once the try no longer holds its task instance (a newer try took over).
     */
    ModelRegistry models();

    /** Where a training task records its metrics per epoch (its training curve) for this try. */
    TrainingMetrics trainingMetrics();

    /**
     * The artifact store for this run's models: param {@code artifact_root}, else the environment's
     * {@code GALE_ARTIFACT_ROOT}, else {@code file://$GALE_HOME/artifacts/}. Credentials come from the
     * connection named by param {@code artifact_conn_id} or {@code GALE_ARTIFACT_CONN_ID}, else the
     * store's defaults (application-default credentials for {@code gs://}).
     *
     * @throws ArtifactStoreException when no store opens the location, or the named connection is missing
     */
    ArtifactStore artifacts();

    /**
     * Queues a manual run of another DAG with {@code conf}, as Airflow's TriggerDagRunOperator does;
     * the scheduler starts it (once that DAG is unpaused). When a run {@code runId} of that DAG already
     * exists it is left as it is, so a retried task triggers once. Returns the run id.
     * Without {@code runId}, a try in the scheduler's process names the run {@code manual__<now>};
     * on a remote worker the run id comes from the try ({@code triggered__<dag>__<run>__<task>__try<N>}),
     * so a call the worker repeats after a lost answer does not queue a second run.
     *
     * @throws IllegalArgumentException when the DAG is unknown or the run id is invalid
     */
    String triggerDagRun(String dagId, String runId, Map<String, Object> conf);

    /**
     * Adds one to a counter of the process's metrics, e.g. {@code gale.webhook.deliveries} with
     * {@code {"outcome": "delivered"}} (exported as {@code gale_webhook_deliveries_total}); does
     * nothing where the process keeps no metrics.
     */
    default void increment(String counter, Map<String, String> tags) {
    }

    /** True once the try has been asked to stop (timeout or shutdown); long loops should check it. */
    default boolean cancelled() {
        return Thread.currentThread().isInterrupted();
    }

    /**
     * In a callback, the id of the callback outbox row being delivered: the same for every attempt
     * to deliver that callback, so a callback with outside effects can use it as an idempotency key
     * (delivery is at least once: a scheduler killed while a callback runs leaves it to be run again).
     * Empty while a try runs.
     */
    default java.util.OptionalLong callbackId() {
        return java.util.OptionalLong.empty();
    }
}
