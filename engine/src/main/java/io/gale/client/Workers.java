package io.gale.client;

import io.gale.api.Connection;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.core.BadRequestException;
import io.gale.core.ConflictException;
import io.gale.core.Json;
import io.gale.core.NotFoundException;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskServices;
import io.gale.store.EdgeRepository.Claimed;
import io.gale.store.EdgeRepository.Worker;
import io.gale.store.EdgeRepository.WorkerState;
import io.gale.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote workers as the API serves them: their tokens (only a hash is stored), registration and
 * heartbeats, claims of queued tries, streamed log chunks and reports of ends. A worker only
 * touches tries it holds (fencing by try number): anything else is refused with a
 * {@link ConflictException} and logged. A report is stored for the edge executor; the scheduler
 * records it (nothing here changes a task instance). Tasks on workers trigger runs of other DAGs
 * and use the model registry through here, for tries their worker holds.
 */
public final class Workers {

    /** The largest log chunk a worker sends at once, in characters. */
    public static final int MAX_LOG_CHUNK = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.Set<TaskState> ENDS = java.util.EnumSet.of(TaskState.SUCCESS, TaskState.SKIPPED,
            TaskState.UP_FOR_RETRY, TaskState.FAILED);

    private final Store store;
    private final Clock clock;
    private final Operations ops;

    Workers(Store store, Clock clock, Operations ops) {
        this.store = store;
        this.clock = clock;
        this.ops = ops;
    }

    /** Checks a worker or token name: letters, digits, {@code . _ -}, at most 100. */
    public static String checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BadRequestException(what + " name must be 1 to 100 letters, digits, '.', '_' or '-' (starting with a letter or digit), got '"
                    + (name == null ? "" : io.gale.core.Text.abbreviate(name, 40)) + "'");
        }
        return name;
    }

    /** Creates a worker token and returns it (shown once: only its hash is kept). */
    public String createToken(String name) {
        checkName(name, "a token");
        String token = "gale_wt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        if (!store.edge().createToken(name, hash(token), clock.instant())) {
            throw new ConflictException("worker token '" + name + "' exists: revoke it first ('gale workers token revoke " + name + "')");
        }
        return token;
    }

    /** Revokes a worker token: workers using it get 401 from then on. */
    public void revokeToken(String name) {
        if (!store.edge().revokeToken(name, clock.instant())) {
            throw new NotFoundException("no live worker token named '" + name + "'");
        }
    }

    /** The name of the live token, if {@code token} is one. */
    public Optional<String> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return store.edge().tokenName(hash(token.trim()));
    }

    /** The workers that ever heartbeated, by name. */
    public List<Worker> list() {
        return store.edge().workers();
    }

    /** The recorded state of worker {@code name}, if it ever heartbeated. */
    public Optional<WorkerState> state(String name) {
        return store.edge().workerState(name);
    }

    /**
     * Records a worker's heartbeat (registering it the first time). A worker that is
     * {@code starting} runs nothing yet: tries an earlier process of that name held are let go,
     * and the edge executor reports them lost.
     */
    public void heartbeat(String worker, List<String> queues, int concurrency, int running, WorkerState state, boolean starting) {
        checkName(worker, "a worker");
        queues.forEach(q -> checkName(q, "a queue"));
        store.transact(tx -> {
            if (starting) {
                int released = tx.edge().release(worker);
                if (released > 0) {
                    LOG.warn("Worker {} restarted: the {} tries its previous process held are lost", worker, released);
                }
            }
            tx.edge().heartbeat(worker, queues, concurrency, running, state, clock.instant());
        });
    }

    /** Claims up to {@code max} queued tries of the worker's queues (none when no task uses them). */
    public List<Claimed> claim(String worker, List<String> queues, int max) {
        checkName(worker, "a worker");
        return store.transaction(tx -> tx.edge().claim(worker, queues, Math.min(max, 100), clock.instant()));
    }

    /** Appends a chunk of a held try's log. */
    public void appendLog(String worker, TaskKey key, int tryNumber, String text) {
        if (text.length() > MAX_LOG_CHUNK) {
            throw new BadRequestException("log chunk of " + text.length() + " characters is over the limit of " + MAX_LOG_CHUNK);
        }
        boolean held = store.transaction(tx -> {
            if (!tx.edge().holds(worker, key, tryNumber)) {
                return false;
            }
            tx.logs().append(key, tryNumber, text);
            return true;
        });
        if (!held) {
            throw refused(worker, key, tryNumber, "log");
        }
    }

    /** Records an epoch of a held try's training curve. */
    public void recordEpoch(String worker, TaskKey key, int tryNumber, int epoch, Map<String, Double> metrics, double seconds) {
        boolean held = store.transaction(tx -> {
            if (!tx.edge().holds(worker, key, tryNumber)) {
                return false;
            }
            tx.trainingMetrics().record(key, tryNumber, epoch, metrics, seconds);
            return true;
        });
        if (!held) {
            throw refused(worker, key, tryNumber, "training metrics");
        }
    }

    /**
     * Stores the end of a held try for the edge executor: its last log lines go to the log now,
     * the event (without log) waits for the scheduler.
     */
    public void report(String worker, TaskEvent event) {
        if (event.key() == null || event.state() == null || !ENDS.contains(event.state())) {
            throw new BadRequestException("a report needs the try's key and number and how it ended: success, skipped, up_for_retry or failed");
        }
        TaskEvent stored = new TaskEvent(event.key(), event.tryNumber(), event.state(), event.error(),
                event.xcoms() == null ? java.util.Map.of() : event.xcoms(), null, event.start(), event.end());
        boolean held = store.transaction(tx -> {
            if (!tx.edge().report(worker, event.key(), event.tryNumber(), Json.write(stored))) {
                return false;
            }
            if (event.log() != null && !event.log().isEmpty()) {
                tx.logs().append(event.key(), event.tryNumber(), event.log());
            }
            return true;
        });
        if (!held) {
            throw refused(worker, event.key(), event.tryNumber(), "report");
        }
        store.notifyChange(); // wakes the scheduler to record it
    }

    /**
     * Triggers a run of {@code dagId} for a task on a worker, through the operations API as a local
     * task does ({@link Operations#triggerFromTask}): queued unless run {@code runId} exists. Without a
     * run id, one is derived from the try ({@link #triggeredRunId}), so a call sent again (a lost
     * answer) finds the run it queued instead of queuing another.
     *
     * @throws ConflictException   when the worker does not hold the try
     * @throws NotFoundException   when the DAG is unknown
     * @throws BadRequestException when the run id is invalid or the DAG has a run at that logical date
     */
    public TaskServices.Triggered triggerDagRun(String worker, TaskKey key, int tryNumber, String dagId, String runId,
                                                Map<String, Object> conf) {
        if (!store.edge().holds(worker, key, tryNumber)) {
            throw refused(worker, key, tryNumber, "trigger of DAG '" + dagId + "'");
        }
        String id = runId != null ? runId : triggeredRunId(key, tryNumber);
        if (store.runs().find(dagId, id).isPresent()) {
            return new TaskServices.Triggered(id, false);
        }
        try {
            String queued = ops.triggerFromTask(dagId, id, conf);
            LOG.info("Worker {}: try {} of {}.{} ({}) triggered run {} of {}", worker, tryNumber, key.dagId(), key.taskId(),
                    key.runId(), queued, dagId);
            return new TaskServices.Triggered(queued, true);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException(e.getMessage());
        } catch (ConflictException e) {
            if (store.runs().find(dagId, id).isPresent()) { // the same call, sent again while the first was queuing it
                return new TaskServices.Triggered(id, false);
            }
            throw new BadRequestException(e.getMessage());
        }
    }

    /**
     * The run id of a run a try triggers without naming one:
     * {@code triggered__<dag>__<run>__<task>__try<n>} (a SHA-256 of it when that is over 250 characters).
     */
    public static String triggeredRunId(TaskKey key, int tryNumber) {
        String id = "triggered__" + key.dagId() + "__" + key.runId() + "__" + key.taskId() + "__try" + tryNumber;
        return id.length() <= io.gale.core.RunIds.MAX_LENGTH ? id : "triggered__" + hash(id);
    }

    /**
     * The model registry for a task on a worker: every call first checks, in its transaction, that the
     * worker holds the try (else a {@link ConflictException}), then is the registry's own.
     */
    public ModelRegistry models(String worker, TaskKey key, int tryNumber) {
        return new HeldModelRegistry(worker, key, tryNumber);
    }

    /** The registry calls of one held try; each runs in a transaction that starts with the fence. */
    private final class HeldModelRegistry implements ModelRegistry {
        private final String worker;
        private final TaskKey key;
        private final int tryNumber;

        HeldModelRegistry(String worker, TaskKey key, int tryNumber) {
            this.worker = worker;
            this.key = key;
            this.tryNumber = tryNumber;
        }

        private <T> T holding(String what, Function<ModelRegistry, T> call) {
            return store.transaction(tx -> {
                if (!tx.edge().holds(worker, key, tryNumber)) {
                    throw refused(worker, key, tryNumber, what);
                }
                return call.apply(tx.models());
            });
        }

        @Override
        public Registration register(NewModelVersion v, PromotionPolicy policy) {
            Registration r = holding("registration of model '" + v.name() + "'", m -> m.register(v, policy));
            LOG.info("Worker {}: try {} of {}.{} ({}) registered {} version {} ({})", worker, tryNumber, key.dagId(), key.taskId(),
                    key.runId(), v.name(), r.version().version(), r.promoted() ? "production" : "not production");
            return r;
        }

        @Override
        public Optional<ModelVersion> production(String name) {
            return holding("model registry read", m -> m.production(name));
        }

        @Override
        public Optional<ModelVersion> version(String name, int version) {
            return holding("model registry read", m -> m.version(name, version));
        }

        @Override
        public List<ModelVersion> versions(String name) {
            return holding("model registry read", m -> m.versions(name));
        }

        @Override
        public List<String> names() {
            return holding("model registry read", ModelRegistry::names);
        }

        @Override
        public ModelVersion promote(String name, int version) {
            return holding("promotion of model '" + name + "'", m -> m.promote(name, version));
        }

        @Override
        public ModelVersion rollback(String name) {
            return holding("rollback of model '" + name + "'", m -> m.rollback(name));
        }

        @Override
        public void delete(String name, int version) {
            holding("deletion of model '" + name + "' version " + version, m -> {
                m.delete(name, version);
                return null;
            });
        }
    }

    private ConflictException refused(String worker, TaskKey key, int tryNumber, String what) {
        LOG.warn("Refused the {} of worker {} for try {} of {}.{} ({}): the worker does not hold that try (lost and retried, cleared, or never claimed)",
                what, worker, tryNumber, key.dagId(), key.taskId(), key.runId());
        return new ConflictException("worker '" + worker + "' does not hold try " + tryNumber + " of " + key.dagId() + "."
                + key.taskId() + " (" + key.runId() + "): it was lost and retried, cleared, or never claimed");
    }

    /** An XCom value as JSON, for a task running on a worker. */
    public Optional<String> xcom(TaskKey key, String xcomKey) {
        return store.xcoms().get(key, xcomKey);
    }

    public Optional<String> variable(String key) {
        return store.variables().get(key);
    }

    public Optional<Connection> connection(String connId) {
        return store.connections().get(connId);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
