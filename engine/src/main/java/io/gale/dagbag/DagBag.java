package io.gale.dagbag;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.schedule.Timetable;
import io.gale.schedule.Timetables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import io.gale.core.GaleException;
import io.gale.core.SerializedDag;
import io.gale.executor.DagCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DAGs Gale knows: those on the classpath (ServiceLoader) and those in the dags folder. A file
 * that fails to compile, throws, or builds an invalid DAG becomes an import error and takes no
 * other DAG down. {@link #refresh()} re-reads only the files that changed.
 */
public final class DagBag implements DagCode {

    private static final Logger LOG = LoggerFactory.getLogger(DagBag.class);

    /** The bundle name of DAGs given to {@link #of}. */
    public static final String MEMORY_BUNDLE = "memory";

    /** What one source (a file, or the classpath) gave: DAGs or an error. */
    private record FileResult(String fingerprint, List<LoadedDag> dags, String error, ClassLoader loader) {
    }

    private final Path dagsFolder;
    private final ClassLoader parent;
    private final SourceCompiler compiler;
    private final Map<String, FileResult> files = new TreeMap<>();
    private Map<String, LoadedDag> dags = Map.of();
    private Map<String, String> errors = Map.of();
    private final List<LoadedDag> classpathDags = new ArrayList<>();
    private final Map<String, String> classpathErrors = new LinkedHashMap<>();

    /**
     * @param dagsFolder the folder to scan (may be missing), or null for the classpath only
     * @param cacheDir   where compiled DAG sources are kept between processes
     */
    public DagBag(Path dagsFolder, Path cacheDir, ClassLoader parent) {
        this.dagsFolder = dagsFolder;
        this.parent = parent;
        this.compiler = new SourceCompiler(cacheDir);
    }

    /** Loads the classpath DAGs and the dags folder. */
    public static DagBag load(Path dagsFolder, Path cacheDir) {
        DagBag bag = new DagBag(dagsFolder, cacheDir, DagBag.class.getClassLoader());
        bag.loadClasspath();
        bag.refresh();
        return bag;
    }

    /** A bag holding just these DAGs (for embedding Gale, and for tests). */
    public static DagBag of(Dag... dags) {
        DagBag bag = new DagBag(null, null, DagBag.class.getClassLoader());
        for (Dag d : dags) {
            bag.classpathDags.add(new LoadedDag(d, "memory:" + d.id(), timetable(d)));
        }
        bag.rebuild();
        return bag;
    }

    /** Loads every {@link DagDefinition} registered with ServiceLoader on the parent class loader. */
    public synchronized void loadClasspath() {
        classpathDags.clear();
        classpathErrors.clear();
        for (var provider : ServiceLoader.load(DagDefinition.class, parent).stream().toList()) {
            String where = "classpath:" + provider.type().getName();
            try {
                classpathDags.addAll(define(List.of(provider.get()), where));
            } catch (Throwable e) {
                classpathErrors.put(where, message(e));
            }
        }
        rebuild();
    }

    /** Re-scans the dags folder; returns true when a DAG or an import error appeared, changed or went away. */
    public synchronized boolean refresh() {
        Optional<Map<String, Path>> listed = dagFiles(dagsFolder);
        if (listed.isEmpty()) {
            return false;
        }
        Map<String, Path> present = listed.get();
        boolean changed = false;
        for (var it = files.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!present.containsKey(e.getKey())) {
                close(e.getValue());
                it.remove();
                changed = true;
            }
        }
        for (var e : present.entrySet()) {
            String fp = fingerprint(e.getValue());
            FileResult old = files.get(e.getKey());
            if (old != null && old.fingerprint().equals(fp)) {
                continue;
            }
            files.put(e.getKey(), loadFile(e.getValue(), fp));
            if (old != null) {
                close(old);
            }
            changed = true;
        }
        if (changed) {
            rebuild();
        }
        return changed;
    }

    public synchronized Optional<LoadedDag> get(String dagId) {
        return Optional.ofNullable(dags.get(dagId));
    }

    /** Valid DAGs by id, sorted. */
    public synchronized Collection<LoadedDag> dags() {
        return List.copyOf(dags.values());
    }

    /** The serialized form of every valid DAG, as belonging to {@code bundle}. */
    public synchronized List<SerializedDag> serialize(String bundle) {
        return dags.values().stream().map(d -> SerializedDag.of(d.dag(), d.fileloc(), bundle)).toList();
    }

    /** Import errors: file (or classpath class) to message. */
    public synchronized Map<String, String> importErrors() {
        return errors;
    }

    public Path dagsFolder() {
        return dagsFolder;
    }

    /**
     * The DAG files of a folder ({@code .java} and {@code .jar}, not hidden), by path; none when
     * the folder is null or missing; empty when it cannot be listed (a file vanished while
     * walking, or the folder is unreadable), so that nothing read before is dropped.
     */
    static Optional<Map<String, Path>> dagFiles(Path folder) {
        Map<String, Path> present = new TreeMap<>();
        if (folder == null || !Files.isDirectory(folder)) {
            return Optional.of(present);
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.naturalOrder())
                    .forEach(p -> present.put(p.toString(), p));
            return Optional.of(present);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Cannot list the dags folder {} ({}); keeping the DAGs read before", folder, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The code of a serialized DAG: a DAG of this bag, or (for a file of the dags folder) the file
     * loaded again when it changed since. A file that no longer loads keeps its last good code.
     */
    @Override
    public synchronized Dag load(SerializedDag serialized) {
        String where = serialized.fileloc();
        if (DagProcessor.isFolderBundle(serialized.bundle())) {
            Path file = Path.of(where);
            String fp = fingerprint(file);
            FileResult old = files.get(where);
            if (old == null || !old.fingerprint().equals(fp)) {
                FileResult loaded = loadFile(file, fp);
                if (loaded.error() == null || old == null) {
                    files.put(where, loaded);
                    if (old != null) {
                        close(old);
                    }
                    rebuild();
                } else {
                    LOG.warn("{} no longer loads ({}); running the last good version of DAG '{}'", where, loaded.error(),
                            serialized.dagId());
                }
            }
            FileResult r = files.get(where);
            if (r.error() != null) {
                throw new GaleException("cannot load DAG '" + serialized.dagId() + "' from " + where + ": " + r.error());
            }
            return r.dags().stream().filter(d -> d.id().equals(serialized.dagId())).findFirst().map(LoadedDag::dag)
                    .orElseThrow(() -> new GaleException("DAG '" + serialized.dagId() + "' is no longer defined in " + where));
        }
        if (DagProcessor.CLASSPATH_BUNDLE.equals(serialized.bundle()) && classpathDags.isEmpty() && classpathErrors.isEmpty()) {
            loadClasspath();
        }
        return Optional.ofNullable(dags.get(serialized.dagId())).map(LoadedDag::dag)
                .orElseThrow(() -> new GaleException("DAG '" + serialized.dagId() + "' is not on the classpath of this process"));
    }

    /** Closes the class loader of a dags-folder file's classes (they are never used again). */
    private void close(FileResult r) {
        if (r.loader() instanceof URLClassLoader u && r.loader() != parent) {
            try {
                u.close();
            } catch (IOException e) {
                LOG.debug("closing a class loader of the dags folder: {}", e.getMessage());
            }
        }
    }

    /** What loading one file gave: its DAGs, or why it failed. */
    record FileLoad(List<LoadedDag> dags, String error) {
    }

    /** Loads one file outside the bag (the DAG processor's child does this); its classes are released after. */
    FileLoad loadOnce(Path file, Runnable compiled) {
        FileResult r = loadFile(file, "", compiled);
        close(r);
        return new FileLoad(r.dags(), r.error());
    }

    private FileResult loadFile(Path file, String fp) {
        return loadFile(file, fp, () -> { });
    }

    /** Loads a file; {@code compiled} runs once its classes are loaded, before any of its code runs. */
    private FileResult loadFile(Path file, String fp, Runnable compiled) {
        String where = file.toString();
        ClassLoader loader = null;
        try {
            List<Class<?>> classes = file.toString().endsWith(".java")
                    ? compiler.compile(file, parent) : jarClasses(file);
            loader = classes.isEmpty() ? null : classes.get(0).getClassLoader();
            compiled.run();
            List<DagDefinition> defs = new ArrayList<>();
            for (Class<?> c : classes) {
                if (DagDefinition.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())
                        && Modifier.isPublic(c.getModifiers())) {
                    defs.add((DagDefinition) c.getDeclaredConstructor().newInstance());
                }
            }
            if (defs.isEmpty()) {
                return new FileResult(fp, List.of(), "no public class implementing io.gale.api.DagDefinition in " + file.getFileName(), loader);
            }
            return new FileResult(fp, define(defs, where), null, loader);
        } catch (Throwable e) {
            return new FileResult(fp, List.of(), message(e), loader);
        }
    }

    private List<Class<?>> jarClasses(Path jar) throws IOException, ClassNotFoundException {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent);
        List<Class<?>> classes = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (var entries = jf.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class") && !name.contains("module-info") && !name.startsWith("META-INF")) {
                    classes.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader));
                }
            }
        }
        return classes;
    }

    private static List<LoadedDag> define(List<DagDefinition> defs, String where) {
        List<LoadedDag> out = new ArrayList<>();
        for (DagDefinition def : defs) {
            Dag dag;
            try {
                dag = def.define();
            } catch (io.gale.api.DagValidationException e) {
                throw e;
            } catch (Throwable e) {
                throw new LoadException(def.getClass().getName() + ".define() threw " + message(e));
            }
            if (dag == null) {
                throw new LoadException(def.getClass().getName() + ".define() returned null");
            }
            out.add(new LoadedDag(dag, where, timetable(dag)));
        }
        return out;
    }

    /** The DAG's timetable; a malformed schedule is a validation error naming the DAG. */
    public static Timetable timetable(Dag dag) {
        try {
            return dag.scheduleInterval() != null ? Timetables.every(dag.scheduleInterval())
                    : Timetables.parse(dag.schedule(), dag.timezone());
        } catch (IllegalArgumentException e) {
            throw new io.gale.api.DagValidationException("DAG '" + dag.id() + "': " + e.getMessage());
        }
    }

    private void rebuild() {
        Map<String, LoadedDag> all = new TreeMap<>();
        Map<String, String> errs = new TreeMap<>(classpathErrors);
        for (LoadedDag d : classpathDags) {
            LoadedDag prev = all.putIfAbsent(d.id(), d);
            if (prev != null) {
                errs.put(d.fileloc(), "DAG '" + d.id() + "' is already defined by " + prev.fileloc() + ": DAG ids must be unique");
            }
        }
        for (var e : files.entrySet()) {
            if (e.getValue().error() != null) {
                errs.put(e.getKey(), e.getValue().error());
                continue;
            }
            for (LoadedDag d : e.getValue().dags()) {
                LoadedDag prev = all.putIfAbsent(d.id(), d);
                if (prev != null && !prev.fileloc().equals(d.fileloc())) {
                    errs.put(e.getKey(), "DAG '" + d.id() + "' is already defined by " + prev.fileloc() + ": DAG ids must be unique");
                }
            }
        }
        dags = all;
        errors = errs;
    }

    /** Size and modification time: a file whose fingerprint changed is loaded again. */
    static String fingerprint(Path p) {
        try {
            return Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return "gone";
        }
    }

    /** A DAG definition that failed; the message says which and why. */
    private static final class LoadException extends RuntimeException {
        LoadException(String message) {
            super(message);
        }
    }

    static String message(Throwable e) {
        if (e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null) {
            e = ite.getCause();
        }
        if (e instanceof io.gale.api.DagValidationException || e instanceof SourceCompiler.CompileException
                || e instanceof LoadException) {
            return e.getMessage();
        }
        return e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
