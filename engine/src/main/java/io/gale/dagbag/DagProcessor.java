package io.gale.dagbag;

import io.gale.core.Json;
import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.store.ConnectionErrors;
import io.gale.store.Store;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Airflow's DAG processor: reads a bundle (the classpath, and a dags folder) and records its DAGs
 * serialized, with the import errors, in the store. It is the only writer of DAG rows and import
 * errors. DAG code runs in a child process ({@link ProcessorChild}), one file at a time, so a file
 * that calls {@code System.exit}, hangs or throws becomes an import error and nothing else: a file
 * still loading after the import timeout is stopped by killing the child. Only files that changed
 * since the last pass are loaded again; a file that breaks keeps its last good DAGs (with the
 * import error shown), as Airflow does. It deactivates only DAGs of its own bundle that went away.
 */
public final class DagProcessor implements AutoCloseable {

    /** The bundle name of DAGs registered on the classpath. */
    public static final String CLASSPATH_BUNDLE = "classpath";
    private static final String FOLDER_BUNDLE_PREFIX = "dags-folder:";

    private static final Logger LOG = LoggerFactory.getLogger(DagProcessor.class);
    /** How long the child may take to start, and to compile one file, before it is replaced. */
    private static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(120);

    /** What the last load of one file gave. */
    private record FileState(String fingerprint, List<SerializedDag> dags, String error) {
    }

    /** What a pass recorded: how many DAGs and import errors the bundles hold, and what changed. */
    public record Pass(int dags, int importErrors, List<String> changedDags) {
    }

    private final Path dagsFolder;
    private final Path cacheDir;
    private final Path logFile;
    private final Duration importTimeout;
    private final Store store;
    private final boolean pausedAtCreation;
    private final Clock clock;
    private final io.gale.metrics.Metrics metrics;
    private final Map<String, FileState> files = new TreeMap<>();
    private List<SerializedDag> classpathDags;
    private Map<String, String> classpathErrors = Map.of();
    private Child child;
    private Map<String, String> lastDags = Map.of();
    private Map<String, String> lastErrors = Map.of();
    private Set<String> lastPools = Set.of();
    /** True when what was loaded last could not be recorded (the database was away): the next pass records it. */
    private boolean unsaved;

    /**
     * @param dagsFolder       the folder of DAG files (may be missing or null: classpath only)
     * @param cacheDir         where compiled DAG sources are kept
     * @param logFile          where the child's output (and whatever DAG code prints) goes
     * @param importTimeout    how long one file may take to load (Airflow's dagbag_import_timeout)
     * @param pausedAtCreation whether new DAGs start paused
     */
    public DagProcessor(Path dagsFolder, Path cacheDir, Path logFile, Duration importTimeout, Store store,
                        boolean pausedAtCreation, Clock clock) {
        this(dagsFolder, cacheDir, logFile, importTimeout, store, pausedAtCreation, clock, io.gale.metrics.Metrics.none());
    }

    /** A processor that records each pass's time, DAG count and import errors in {@code metrics}. */
    public DagProcessor(Path dagsFolder, Path cacheDir, Path logFile, Duration importTimeout, Store store,
                        boolean pausedAtCreation, Clock clock, io.gale.metrics.Metrics metrics) {
        this.metrics = metrics;
        this.dagsFolder = dagsFolder;
        this.cacheDir = cacheDir;
        this.logFile = logFile;
        this.importTimeout = importTimeout;
        this.store = store;
        this.pausedAtCreation = pausedAtCreation;
        this.clock = clock;
    }

    /** The bundle name of a dags folder. */
    public static String folderBundle(Path dagsFolder) {
        return FOLDER_BUNDLE_PREFIX + dagsFolder.toAbsolutePath().normalize();
    }

    /** Whether a bundle is a dags folder (its DAGs are loaded from their files), not the classpath or memory. */
    static boolean isFolderBundle(String bundle) {
        return bundle != null && bundle.startsWith(FOLDER_BUNDLE_PREFIX);
    }

    /** The name of this processor's dags-folder bundle. */
    public String bundle() {
        return folderBundle(dagsFolder);
    }

    /** Whether any processor has recorded this processor's dags folder yet. */
    public boolean processedBefore() {
        return store.serializedDags().processedAt(bundle()).isPresent();
    }

    /**
     * One pass: the classpath (the first time), then every file of the dags folder that is new or
     * changed; records the result when anything changed (and the first time).
     */
    public synchronized Pass processOnce() {
        long t0 = System.nanoTime();
        Pass pass = pass();
        metrics.dagsProcessed(Duration.ofNanos(System.nanoTime() - t0), pass.dags(), pass.importErrors());
        return pass;
    }

    private Pass pass() {
        boolean first = classpathDags == null;
        if (first) {
            ProcessorChild.Answer a = ask(new ProcessorChild.Request(null, true, CLASSPATH_BUNDLE), "the classpath");
            classpathDags = a.dags();
            classpathErrors = a.errors();
        }
        boolean changed = first;
        Optional<Map<String, Path>> present = DagBag.dagFiles(dagsFolder);
        if (present.isPresent()) {
            changed |= files.keySet().retainAll(present.get().keySet());
            for (var e : present.get().entrySet()) {
                String fp = DagBag.fingerprint(e.getValue());
                FileState old = files.get(e.getKey());
                if (old != null && old.fingerprint().equals(fp)) {
                    continue;
                }
                ProcessorChild.Answer a = ask(new ProcessorChild.Request(e.getKey(), false, bundle()), e.getKey());
                String error = a.errors().get(e.getKey());
                if (error != null && old != null && !old.dags().isEmpty()) {
                    files.put(e.getKey(), new FileState(fp, old.dags(), error)); // the last good version stays
                } else {
                    files.put(e.getKey(), new FileState(fp, a.dags(), error));
                }
                changed = true;
            }
        }
        List<SerializedDag> folderDags = new ArrayList<>();
        Map<String, String> folderErrors = new TreeMap<>();
        Map<String, String> owner = new LinkedHashMap<>();
        classpathDags.forEach(d -> owner.putIfAbsent(d.dagId(), d.fileloc()));
        for (var e : files.entrySet()) {
            if (e.getValue().error() != null) {
                folderErrors.put(e.getKey(), e.getValue().error());
            }
            for (SerializedDag d : e.getValue().dags()) {
                String prev = owner.putIfAbsent(d.dagId(), d.fileloc());
                if (prev == null) {
                    folderDags.add(d);
                } else if (!prev.equals(d.fileloc())) {
                    folderErrors.put(e.getKey(), "DAG '" + d.dagId() + "' is already defined by " + prev + ": DAG ids must be unique");
                }
            }
        }
        java.util.Set<String> pools = store.pools().slots().keySet();
        changed |= !pools.equals(lastPools); // a DAG naming a pool that was missing loads once it is created
        if (!changed && !unsaved && processedBefore()) {
            return new Pass(classpathDags.size() + folderDags.size(), classpathErrors.size() + folderErrors.size(), List.of());
        }
        unsaved = true;
        Map<String, String> cpErrors = new TreeMap<>(classpathErrors);
        List<SerializedDag> cpDags = withKnownPools(classpathDags, pools, cpErrors);
        List<SerializedDag> fDags = withKnownPools(folderDags, pools, folderErrors);
        List<String> changedDags = store.transaction(tx -> {
            List<String> c = new ArrayList<>(tx.serializedDags().syncBundle(CLASSPATH_BUNDLE, cpDags, cpErrors,
                    pausedAtCreation, clock.instant()));
            c.addAll(tx.serializedDags().syncBundle(bundle(), fDags, folderErrors, pausedAtCreation, clock.instant()));
            return c;
        });
        unsaved = false;
        lastPools = Set.copyOf(pools);
        logChanges(cpDags, fDags, changedDags, cpErrors, folderErrors);
        store.notifyChange();
        return new Pass(cpDags.size() + fDags.size(), cpErrors.size() + folderErrors.size(), changedDags);
    }

    /**
     * The DAGs whose tasks name only pools that exist; each other DAG becomes an import error of
     * its file (added to {@code errors}) naming the task and the pool, as Airflow reports it.
     */
    public static List<SerializedDag> withKnownPools(List<SerializedDag> dags, Set<String> pools, Map<String, String> errors) {
        List<SerializedDag> known = new ArrayList<>();
        for (SerializedDag d : dags) {
            Optional<SerializedTask> bad = d.tasks().stream().filter(t -> !pools.contains(t.pool())).findFirst();
            if (bad.isEmpty()) {
                known.add(d);
            } else {
                errors.merge(d.fileloc(), "DAG '" + d.dagId() + "': task '" + bad.get().id() + "' names pool '" + bad.get().pool()
                        + "', which does not exist (create it with 'gale pools set " + bad.get().pool() + " SLOTS')",
                        (a, b) -> a + "\n" + b);
            }
        }
        return known;
    }

    /** One line per DAG found, changed or gone, and per import error that appeared (or that this process has not shown yet) or was fixed. */
    private void logChanges(List<SerializedDag> classpath, List<SerializedDag> folder, List<String> changed,
                            Map<String, String> classpathErrs, Map<String, String> folderErrs) {
        Map<String, String> dagsNow = new TreeMap<>();
        classpath.forEach(d -> dagsNow.put(d.dagId(), d.fileloc()));
        folder.forEach(d -> dagsNow.put(d.dagId(), d.fileloc()));
        Map<String, String> errorsNow = new TreeMap<>(classpathErrs);
        errorsNow.putAll(folderErrs);
        for (var d : dagsNow.entrySet()) {
            if (changed.contains(d.getKey())) { // new or changed in the database, not only new to this process
                LOG.info("DAG {}: {} ({})", lastDags.containsKey(d.getKey()) ? "changed" : "found", d.getKey(), d.getValue());
            }
        }
        lastDags.keySet().stream().filter(id -> !dagsNow.containsKey(id)).forEach(id -> LOG.info("DAG gone: {} ({})", id, lastDags.get(id)));
        for (var e : errorsNow.entrySet()) {
            if (!e.getValue().equals(lastErrors.get(e.getKey()))) {
                LOG.warn("Import error in {}: {}", e.getKey(), e.getValue().lines().findFirst().orElse(""));
            }
        }
        lastErrors.keySet().stream().filter(f -> !errorsNow.containsKey(f)).forEach(f -> LOG.info("Import error fixed: {}", f));
        lastDags = dagsNow;
        lastErrors = errorsNow;
    }

    /**
     * Runs {@link #processOnce} every {@code interval} on a thread of its own until the result is
     * closed; a failed pass is reported to {@code onError} (a lost database once per outage) and
     * the next pass tries again.
     */
    public AutoCloseable every(Duration interval, Consumer<Throwable> onError) {
        boolean[] databaseAway = {false};
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gale-dag-processor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                processOnce();
                databaseAway[0] = false;
            } catch (java.util.concurrent.CancellationException e) {
                // stopped mid-pass (closing): nothing was recorded
            } catch (Throwable e) {
                boolean lost = ConnectionErrors.isConnectionLoss(e);
                if (!lost || !databaseAway[0]) {
                    onError.accept(e);
                }
                databaseAway[0] = lost;
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return () -> {
            timer.shutdownNow();
            timer.awaitTermination(importTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        };
    }


    /** Asks the child; a child that exits or overruns the timeout is replaced and the file gets the error. */
    private ProcessorChild.Answer ask(ProcessorChild.Request request, String what) {
        String key = request.classpath() ? "classpath" : request.file();
        try {
            if (child == null || !child.process.isAlive()) {
                child = new Child(cacheDir, logFile);
            }
            Child.Reply reply;
            try {
                reply = child.ask(Json.write(request), importTimeout);
            } catch (java.util.concurrent.CancellationException e) {
                child.close(); // its answer to this request must not be read as the next one's
                child = null;
                throw e;
            }
            if (reply.line() != null) {
                return Json.read(reply.line(), ProcessorChild.Answer.class);
            }
            String why;
            if (child.process.isAlive()) {
                why = reply.defining() ? "loading took longer than " + importTimeout.toSeconds()
                        + " s (GALE_DAGBAG_IMPORT_TIMEOUT) and was stopped"
                        : "compiling took longer than " + COMPILE_TIMEOUT.toSeconds() + " s and was stopped";
            } else {
                why = "the DAG processor's child process exited with code " + child.exitCode()
                        + " while loading it (does the DAG code call System.exit?)";
            }
            child.close();
            child = null;
            LOG.warn("{}: {}", what, why);
            return new ProcessorChild.Answer(List.of(), Map.of(key, why));
        } catch (IOException e) {
            if (child != null) {
                child.close();
                child = null;
            }
            return new ProcessorChild.Answer(List.of(), Map.of(key, "the DAG processor could not load it: " + e.getMessage()));
        }
    }

    @Override
    public synchronized void close() {
        if (child != null) {
            child.close();
            child = null;
        }
    }

    /** The child JVM, with a thread reading its answers so that a wait can time out. */
    private static final class Child {
        private static final String EOF = "\u0000eof";
        /** {@code nice} from the PATH (coreutils), or null where there is none. */
        private static final Path NICE = onPath("nice");
        private final Process process;
        private final BufferedWriter in;
        private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final Path logFile;
        private boolean ready;

        Child(Path cacheDir, Path logFile) throws IOException {
            this.logFile = logFile;
            Files.createDirectories(logFile.getParent());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>();
            if (NICE != null) {
                // compiling DAG files is background work: the scheduler and the database come first
                command.addAll(List.of(NICE.toString(), "-n", "10"));
            }
            command.addAll(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=1", "-Xss4m",
                    "-cp", System.getProperty("java.class.path"), ProcessorChild.class.getName(), cacheDir.toString()));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            process = pb.start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        answers.add(line);
                    }
                } catch (IOException e) {
                    // the child is gone
                }
                answers.add(EOF);
            }, "gale-dag-processor-child");
            reader.setDaemon(true);
            reader.start();
        }

        private static Path onPath(String program) {
            String path = System.getenv("PATH");
            if (path == null) {
                return null;
            }
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = dir.isEmpty() ? null : Path.of(dir, program);
                if (p != null && Files.isExecutable(p)) {
                    return p;
                }
            }
            return null;
        }

        /** An answer line (null when the child exited or did not answer in time), and whether DAG code had started to run. */
        record Reply(String line, boolean defining) {
        }

        /**
         * Sends a request and waits for its answer: up to {@link #COMPILE_TIMEOUT} for the child to
         * start and compile, then up to {@code timeout} once the file's own code runs.
         */
        Reply ask(String request, Duration timeout) throws IOException {
            try {
                if (!ready) {
                    String first = answers.poll(COMPILE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (!ProcessorChild.READY.equals(first)) {
                        throw new IOException("its child process did not start (see " + logFile + ")");
                    }
                    ready = true;
                }
                try {
                    in.write(request);
                    in.newLine();
                    in.flush();
                } catch (IOException e) {
                    return new Reply(null, false); // it exited before reading
                }
                boolean defining = false;
                while (true) {
                    String line = answers.poll((defining ? timeout : COMPILE_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
                    if (ProcessorChild.DEFINING.equals(line)) {
                        defining = true;
                        continue;
                    }
                    if (EOF.equals(line)) {
                        process.waitFor(5, TimeUnit.SECONDS);
                        return new Reply(null, defining);
                    }
                    return new Reply(line, defining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // the processor is being stopped: this pass records nothing
                throw new java.util.concurrent.CancellationException("the DAG processor was stopped during a pass");
            }
        }

        int exitCode() {
            try {
                return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
