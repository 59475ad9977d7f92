package io.gale.dagbag;

import io.gale.core.Json;
import io.gale.core.SerializedDag;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child process of the {@link DagProcessor}: the only place that runs DAG files' code for
 * the scheduler. It reads one request per line on standard input (a file to load, or the
 * classpath) and answers one JSON line on standard output with the serialized DAGs or the error.
 * Whatever DAG code prints goes to standard error, so it cannot garble the answers.
 */
public final class ProcessorChild {

    /** A request: load {@code file}, or (with {@code classpath}) the DAGs registered on the classpath. */
    record Request(String file, boolean classpath, String bundle) {
    }

    /** An answer: the DAGs found and the errors by file (or classpath class). */
    record Answer(List<SerializedDag> dags, Map<String, String> errors) {
    }

    /** Sent once the child has started, so that start-up time never counts against a file. */
    static final String READY = "ready";
    /** Sent once a file's classes are compiled and loaded: from here its code runs, and the import timeout applies. */
    static final String DEFINING = "defining";

    private ProcessorChild() {
    }

    /** {@code ProcessorChild CACHE_DIR}. */
    public static void main(String[] args) throws Exception {
        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        DagBag bag = new DagBag(null, Path.of(args[0]), ProcessorChild.class.getClassLoader());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        answers.println(READY);
        for (String line; (line = in.readLine()) != null; ) {
            Request r = Json.read(line, Request.class);
            Answer a;
            if (r.classpath()) {
                bag.loadClasspath();
                a = new Answer(bag.dags().stream().map(d -> SerializedDag.of(d.dag(), d.fileloc(), r.bundle())).toList(),
                        bag.importErrors());
            } else {
                Answer loaded;
                try {
                    DagBag.FileLoad f = bag.loadOnce(Path.of(r.file()), () -> answers.println(DEFINING));
                    loaded = f.error() != null ? new Answer(List.of(), Map.of(r.file(), f.error()))
                            : new Answer(f.dags().stream().map(d -> SerializedDag.of(d.dag(), d.fileloc(), r.bundle())).toList(), Map.of());
                } catch (Throwable e) {
                    loaded = new Answer(List.of(), Map.of(r.file(), DagBag.message(e)));
                }
                a = loaded;
            }
            answers.println(Json.write(a));
        }
    }
}
