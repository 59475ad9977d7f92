package io.gale.operators.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gale.core.GaleException;
import io.gale.core.TaskInstance;
import io.gale.core.TaskKey;
import io.gale.core.TaskState;
import io.gale.executor.Executor;
import io.gale.executor.TaskEvent;
import io.gale.executor.TaskWorkload;
import io.gale.executor.TryOutcome;
import io.gale.store.TaskInstanceRepository.ProcessGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Airflow's KubernetesExecutor: each try runs as one pod made from a pod template, whose
 * container runs {@code gale tasks run DAG TASK RUN_ID --try N}. Pods are watched (an informer on
 * this scheduler's label); when one ends, its log is read, the outcome line it printed becomes
 * the try's {@link TaskEvent}, and the pod is deleted. A pod that fails without an outcome
 * (out of memory, an image that cannot be pulled, deleted by someone else) ends its try as
 * up_for_retry or failed by its try number, with the reason. Failing API calls (5xx, no
 * connection) are retried with backoff. After a scheduler restart, the new scheduler adopts the
 * pods of its dead predecessor ({@link #adopt}). Closing deletes the pods of unreported tries
 * (the scheduler records them as interrupted).
 */
public final class KubernetesExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesExecutor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long a tracked pod may be missing from the watch before it is looked up directly. */
    private static final Duration MISSING_GRACE = Duration.ofSeconds(3);
    private static final Set<String> PULL_ERRORS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String DAG_ID = "gale.io/dag-id";
    static final String TASK_ID = "gale.io/task-id";
    static final String RUN_ID = "gale.io/run-id";
    static final String TRY_NUMBER = "gale.io/try-number";
    static final String SCHEDULER_JOB = "gale.io/scheduler-job";

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final Clock clock;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final io.gale.executor.TaskEvents events = new io.gale.executor.TaskEvents();
    /** Tries started or adopted and not reported yet, by pod name. */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final ScheduledExecutorService workers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long jobId = -1;
    private volatile SharedIndexInformer<Pod> informer;

    /** One try this executor answers for. */
    private static final class Tracked {
        final TaskKey key;
        final int tryNumber;
        final int maxTries;
        final String pod;
        final Instant submitted;
        volatile boolean created;
        /** Adopted while the API could not confirm that its pod exists. */
        volatile boolean unconfirmed;
        final AtomicBoolean ending = new AtomicBoolean();
        volatile Instant missingSince;
        volatile Instant pullErrorSince;

        Tracked(TaskKey key, int tryNumber, int maxTries, String pod, Instant submitted) {
            this.key = key;
            this.tryNumber = tryNumber;
            this.maxTries = maxTries;
            this.pod = pod;
            this.submitted = submitted;
        }
    }

    /**
     * @param client the API client; {@link #close} closes it
     */
    public KubernetesExecutor(KubernetesClient client, KubernetesSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4, r -> {
            Thread t = new Thread(r, "gale-kubernetes-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.workers = pool;
    }

    /** The pod name of a try: fixed by the task instance and try number. */
    public static String podName(TaskKey key, int tryNumber) {
        return PodNames.pod(key, tryNumber);
    }

    @Override
    public void start(long schedulerJobId) {
        if (this.jobId >= 0) {
            throw new IllegalStateException("this Kubernetes executor already runs tries for scheduler job " + this.jobId);
        }
        this.jobId = schedulerJobId;
        SharedIndexInformer<Pod> inf = client.pods().inNamespace(settings.namespace())
                .withLabel(SCHEDULER_JOB, String.valueOf(schedulerJobId)).runnableInformer(0);
        inf.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                later(() -> examine(pod));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                later(() -> examine(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                later(() -> deleted(pod));
            }
        });
        // an API that cannot be reached now (or drops the watch later) is tried again, not fatal
        inf.exceptionHandler((started, e) -> {
            if (closed.get() || io.fabric8.kubernetes.client.informers.ExceptionHandler.isDeserializationException(e)) {
                return false;
            }
            LOG.warn("Watching pods failed ({}); retrying", rootCause(e));
            return true;
        });
        informer = inf;
        inf.start();
        workers.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void submit(TaskWorkload w) {
        requireStarted();
        String name = podName(w.key(), w.tryNumber());
        Tracked t = new Tracked(w.key(), w.tryNumber(), w.maxTries(), name, clock.instant());
        tracked.put(name, t);
        Pod pod = pod(w, name);
        later(() -> create(t, pod));
    }

    @Override
    public int openSlots() {
        return settings.parallelism() - tracked.size();
    }

    @Override
    public int running() {
        return tracked.size();
    }

    @Override
    public List<TaskEvent> poll(Duration timeout) throws InterruptedException {
        return events.poll(timeout);
    }

    @Override
    public List<ProcessGroup> processGroups() {
        return List.of();
    }

    @Override
    public void wakeUp() {
        events.wakeUp();
    }

    /**
     * Takes over the orphans whose pod exists and is not being deleted: relabels it with this
     * scheduler's job (so this executor's watch sees it) and reports its end as for its own
     * tries. When the API cannot be reached, the try is adopted unconfirmed and checked again
     * every second, so that a pod that may still run is never given up for lost (and run twice).
     */
    @Override
    public List<TaskKey> adopt(List<TaskInstance> orphans) {
        requireStarted();
        if (closed.get()) {
            return List.of();
        }
        List<TaskKey> adopted = new ArrayList<>();
        for (TaskInstance z : orphans) {
            String name = podName(z.key(), z.tryNumber());
            Tracked t = new Tracked(z.key(), z.tryNumber(), z.maxTries(), name, clock.instant());
            t.created = true;
            try {
                if (relabel(t)) {
                    tracked.put(name, t);
                    adopted.add(z.key());
                    LOG.info("Adopted pod {} of task {} try {}", name, z.key(), z.tryNumber());
                }
            } catch (KubernetesClientException e) {
                if (!retryable(e)) {
                    LOG.warn("Cannot adopt pod {} of task {}: {}", name, z.key(), reason(e));
                    continue;
                }
                t.unconfirmed = true;
                tracked.put(name, t);
                adopted.add(z.key());
                LOG.warn("Kubernetes API error while adopting pod {} of task {} ({}); adopted it, to be confirmed",
                        name, z.key(), reason(e));
            }
        }
        return adopted;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopWatching();
        workers.shutdownNow();
        for (Tracked t : tracked.values()) {
            try {
                client.pods().inNamespace(settings.namespace()).withName(t.pod).delete();
                LOG.info("Deleted pod {} of task {} try {}: the executor stopped before it ended", t.pod, t.key, t.tryNumber);
            } catch (KubernetesClientException e) {
                LOG.warn("Cannot delete pod {} at stop: {}", t.pod, reason(e));
            }
        }
        client.close();
    }

    /**
     * Stops as a killed scheduler process would: no more watching or reporting, and its pods are
     * left running for the next scheduler to adopt (tests of adoption).
     */
    void halt() {
        closed.set(true);
        stopWatching();
        workers.shutdownNow();
        tracked.clear();
        client.close();
    }

    /** Stops the informer and waits (2 s at most) for it to stop, so that it does not use the client after it is closed. */
    private void stopWatching() {
        SharedIndexInformer<Pod> inf = informer;
        if (inf == null) {
            return;
        }
        inf.stop();
        try {
            inf.stopped().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("The pod informer did not stop cleanly: {}", e.toString());
        }
    }

    // ---- pods -----------------------------------------------------------------------------

    /** The pod of a try: the task's template with the try's name, labels, annotations and command. */
    Pod pod(TaskWorkload w, String name) {
        Pod pod = serialization.clone(settings.templates().get(settings.templateFor(w.key(), w.task().queue())));
        var meta = pod.getMetadata() == null ? new io.fabric8.kubernetes.api.model.ObjectMeta() : pod.getMetadata();
        pod.setMetadata(meta);
        meta.setName(name);
        meta.setGenerateName(null);
        meta.setNamespace(settings.namespace());
        Map<String, String> labels = new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.put(MANAGED_BY, "gale");
        labels.put(DAG_ID, PodNames.label(w.key().dagId()));
        labels.put(TASK_ID, PodNames.label(w.key().taskId()));
        labels.put(RUN_ID, PodNames.label(w.key().runId()));
        labels.put(TRY_NUMBER, String.valueOf(w.tryNumber()));
        labels.put(SCHEDULER_JOB, String.valueOf(jobId));
        meta.setLabels(labels);
        Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        annotations.put(DAG_ID, w.key().dagId());
        annotations.put(TASK_ID, w.key().taskId());
        annotations.put(RUN_ID, w.key().runId());
        annotations.put(TRY_NUMBER, String.valueOf(w.tryNumber()));
        meta.setAnnotations(annotations);
        pod.getSpec().setRestartPolicy("Never");
        Container main = KubernetesSettings.mainContainer(pod);
        List<String> command = new ArrayList<>(main.getCommand() == null || main.getCommand().isEmpty()
                ? List.of("gale") : main.getCommand());
        command.addAll(List.of("tasks", "run", w.key().dagId(), w.key().taskId(), w.key().runId(), "--try",
                String.valueOf(w.tryNumber())));
        main.setCommand(command);
        main.setArgs(List.of());
        return pod;
    }

    private void create(Tracked t, Pod pod) {
        try {
            retrying("create pod " + t.pod, () -> {
                try {
                    return client.pods().inNamespace(settings.namespace()).resource(pod).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        return null; // a repeated submit: the pod of this try exists already
                    }
                    throw e;
                }
            });
            t.created = true;
            LOG.info("Created pod {} for task {} try {}", t.pod, t.key, t.tryNumber);
        } catch (KubernetesClientException e) {
            lost(t, "cannot create pod " + t.pod + ": " + reason(e));
        }
    }

    /** Looks at a pod the watch reported: ended → its try ends; pulling its image in vain too long → the try fails. */
    private void examine(Pod pod) {
        Tracked t = tracked.get(pod.getMetadata().getName());
        if (t == null || t.ending.get()) {
            return;
        }
        t.created = true;
        t.missingSince = null;
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            finish(t, pod);
        } else if ("Pending".equals(phase) || phase == null) {
            Optional<String> pull = pullError(pod);
            if (pull.isEmpty()) {
                t.pullErrorSince = null;
                return;
            }
            Instant now = clock.instant();
            if (t.pullErrorSince == null) {
                t.pullErrorSince = now;
                LOG.warn("Pod {} of task {} cannot pull its image: {}", t.pod, t.key, pull.get());
            }
            if (!now.isBefore(t.pullErrorSince.plus(settings.pendingTimeout()))) {
                if (t.ending.compareAndSet(false, true)) {
                    report(t, byTryNumber(t, "pod " + t.pod + " could not pull its image for "
                            + settings.pendingTimeout().toSeconds() + " s: " + pull.get(), ""));
                    delete(t.pod);
                }
            }
        }
    }

    /** Reads the ended pod's log, reports the try's end from its outcome line (or the pod's state), deletes the pod. */
    private void finish(Tracked t, Pod pod) {
        if (!t.ending.compareAndSet(false, true)) {
            return;
        }
        String phase = pod.getStatus().getPhase();
        String output;
        try {
            output = retrying("read the log of pod " + t.pod,
                    () -> client.pods().inNamespace(settings.namespace()).withName(t.pod).getLog());
        } catch (KubernetesClientException e) {
            output = null;
            LOG.warn("Cannot read the log of pod {}: {}", t.pod, reason(e));
        }
        Optional<TryOutcome> outcome = Optional.empty();
        String note = null;
        if (output != null) {
            try {
                outcome = TryOutcome.find(output);
            } catch (GaleException e) {
                note = e.getMessage();
            }
        }
        String where = "[" + clock.instant() + "] INFO - Ran in pod " + t.pod + " (namespace " + settings.namespace()
                + (pod.getSpec() != null && pod.getSpec().getNodeName() != null ? ", node " + pod.getSpec().getNodeName() : "")
                + "): " + phase + "\n";
        if (outcome.isPresent()) {
            TryOutcome o = outcome.get();
            report(t, new TaskEvent(t.key, t.tryNumber, o.state(), o.error(), o.xcoms(), TryOutcome.logBefore(output) + where,
                    o.start(), o.end()));
        } else {
            String why = "pod " + t.pod + " " + ("Succeeded".equals(phase) ? "succeeded" : "failed") + " without an outcome line"
                    + (note != null ? " (" + note + ")" : "") + terminated(pod).map(s -> ": " + s).orElse("")
                    + (output == null ? "; its log could not be read" : "");
            report(t, byTryNumber(t, why, (output == null ? "" : output) + where));
        }
        delete(t.pod);
    }

    /** The watch saw a pod of an unreported try deleted: someone else deleted it (Gale deletes only reported ones). */
    private void deleted(Pod pod) {
        Tracked t = tracked.get(pod.getMetadata().getName());
        if (t == null || t.ending.get()) {
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        lost(t, "pod " + t.pod + " was deleted by someone else before it ended" + (phase == null ? "" : " (it was " + phase + ")"));
    }

    /** Every second: confirms adoptions, times out image pulls, and looks up pods the watch has lost sight of. */
    private void check() {
        try {
            SharedIndexInformer<Pod> inf = informer;
            Instant now = clock.instant();
            for (Tracked t : tracked.values()) {
                if (t.ending.get() || !t.created) {
                    continue;
                }
                if (t.unconfirmed) {
                    try {
                        if (relabel(t)) {
                            t.unconfirmed = false;
                            LOG.info("Confirmed the adoption of pod {}", t.pod);
                        } else {
                            lost(t, "pod " + t.pod + " no longer exists (its scheduler had stopped)");
                        }
                    } catch (KubernetesClientException e) {
                        LOG.warn("Kubernetes API error confirming pod {} ({}); trying again", t.pod, reason(e));
                    }
                    continue;
                }
                Pod cached = inf == null || !inf.hasSynced() ? null : inf.getStore().getByKey(settings.namespace() + "/" + t.pod);
                if (cached != null) {
                    examine(cached);
                    continue;
                }
                if (t.missingSince == null) {
                    t.missingSince = now;
                } else if (!now.isBefore(t.missingSince.plus(MISSING_GRACE))) {
                    Pod live = client.pods().inNamespace(settings.namespace()).withName(t.pod).get();
                    if (live == null) {
                        lost(t, "pod " + t.pod + " disappeared before it ended (deleted by someone else)");
                    } else {
                        t.missingSince = null;
                        examine(live);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Checking pods failed: {}", e instanceof KubernetesClientException k ? reason(k) : e.toString());
        }
    }

    /** Puts this scheduler's job label on an orphan's pod; false when there is no such pod (or it is being deleted). */
    private boolean relabel(Tracked t) {
        Pod pod = client.pods().inNamespace(settings.namespace()).withName(t.pod).get();
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        Map<String, String> a = pod.getMetadata().getAnnotations();
        if (a == null || !t.key.dagId().equals(a.get(DAG_ID)) || !t.key.runId().equals(a.get(RUN_ID))
                || !t.key.taskId().equals(a.get(TASK_ID))) {
            return false;
        }
        client.pods().inNamespace(settings.namespace()).withName(t.pod)
                .edit(p -> {
                    p.getMetadata().getLabels().put(SCHEDULER_JOB, String.valueOf(jobId));
                    return p;
                });
        return true;
    }

    private void delete(String name) {
        try {
            retrying("delete pod " + name, () -> client.pods().inNamespace(settings.namespace()).withName(name).delete());
        } catch (KubernetesClientException e) {
            LOG.warn("Cannot delete pod {}: {}; delete it by hand", name, reason(e));
        }
    }

    // ---- reports --------------------------------------------------------------------------

    /** Ends a try without an outcome: up_for_retry or failed by its try number. */
    private void lost(Tracked t, String why) {
        if (t.ending.compareAndSet(false, true)) {
            report(t, byTryNumber(t, why, ""));
            LOG.warn("Task {} try {}: {}", t.key, t.tryNumber, why);
        }
    }

    private TaskEvent byTryNumber(Tracked t, String why, String log) {
        TaskState state = t.tryNumber < t.maxTries ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
        Instant now = clock.instant();
        return new TaskEvent(t.key, t.tryNumber, state, why, Map.of(),
                log + "[" + now + "] ERROR - " + why + "; marked " + state.id() + "\n", t.submitted, now);
    }

    private void report(Tracked t, TaskEvent event) {
        if (tracked.remove(t.pod, t)) {
            events.add(event);
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    /** The reason a container is waiting for its image, if it is. */
    private static Optional<String> pullError(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
            var waiting = s.getState() == null ? null : s.getState().getWaiting();
            if (waiting != null && PULL_ERRORS.contains(waiting.getReason())) {
                return Optional.of(waiting.getReason() + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")"));
            }
        }
        return Optional.empty();
    }

    /** How the pod's containers ended, e.g. {@code container base: OOMKilled, exit code 137}. */
    private static Optional<String> terminated(Pod pod) {
        List<String> parts = new ArrayList<>();
        if (pod.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
                var term = s.getState() == null ? null : s.getState().getTerminated();
                if (term != null) {
                    parts.add("container " + s.getName() + ": " + (term.getReason() == null ? "terminated" : term.getReason())
                            + ", exit code " + term.getExitCode());
                }
            }
        }
        if (parts.isEmpty() && pod.getStatus().getReason() != null) {
            parts.add(pod.getStatus().getReason() + (pod.getStatus().getMessage() == null ? "" : " (" + pod.getStatus().getMessage() + ")"));
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }

    /** Runs an API call, retrying 5xx, 429 and connection errors with doubling backoff for up to the configured time. */
    private <T> T retrying(String what, Supplier<T> call) {
        long deadline = System.nanoTime() + settings.apiRetryTimeout().toNanos();
        Duration backoff = settings.apiBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                if (!retryable(e) || System.nanoTime() - deadline > 0 || closed.get()) {
                    throw e;
                }
                LOG.warn("Kubernetes API error ({}) on attempt {} to {}; retrying in {} ms", reason(e), attempt, what,
                        backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static boolean retryable(KubernetesClientException e) {
        return e.getCode() >= 500 || e.getCode() == 429 || e.getCode() <= 0;
    }

    private static String reason(KubernetesClientException e) {
        if (e.getCode() <= 0) {
            return "no response (" + rootCause(e) + ")";
        }
        String msg = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage() == null ? "" : e.getMessage();
        msg = msg.lines().findFirst().orElse("");
        return "HTTP " + e.getCode() + (msg.isEmpty() ? "" : ": " + (msg.length() > 200 ? msg.substring(0, 200) + "..." : msg));
    }

    /** The innermost cause's message, e.g. {@code Connection refused: /10.0.0.1:6443}. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private void later(Runnable work) {
        if (closed.get()) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("Kubernetes executor: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void requireStarted() {
        if (jobId < 0) {
            throw new IllegalStateException("the Kubernetes executor runs tries for a scheduler: call start(jobId) first");
        }
    }
}
