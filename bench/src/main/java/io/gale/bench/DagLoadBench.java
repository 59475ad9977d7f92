package io.gale.bench;

import io.gale.dagbag.DagBag;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;

/**
 * Loading 1,000 generated DAG classes from the classpath (target <= 2 s), and 100 .java files
 * compiled from the dags folder (cold: compiled; warm: from the compile cache).
 */
public final class DagLoadBench {

    static String source(String pkg, String cls, String dagId) {
        return (pkg == null ? "" : "package " + pkg + ";\n") + """
                import io.gale.api.*;
                import java.time.*;
                public class %s implements DagDefinition {
                    public Dag define() {
                        var dag = Dag.builder("%s").schedule("@daily")
                                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/London")));
                        var a = dag.task("extract", ctx -> 1);
                        var b = dag.task("transform", ctx -> 2);
                        var c = dag.task("load", ctx -> 3);
                        a.then(b).then(c);
                        return dag.build();
                    }
                }
                """.formatted(cls, dagId);
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("gale-dagload");
        Path src = Files.createDirectories(work.resolve("src/gen"));
        List<String> files = new ArrayList<>();
        StringBuilder services = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            Path f = src.resolve("Dag" + i + ".java");
            Files.writeString(f, source("gen", "Dag" + i, "generated_" + i));
            files.add(f.toString());
            services.append("gen.Dag").append(i).append('\n');
        }
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> javacArgs = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-nowarn"));
        javacArgs.addAll(files);
        if (ToolProvider.getSystemJavaCompiler().run(null, null, null, javacArgs.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("could not compile the generated DAGs");
        }
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve("META-INF/services/io.gale.api.DagDefinition"), services);

        double[] times = new double[5];
        int found = 0;
        for (int rep = 0; rep < times.length; rep++) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, DagLoadBench.class.getClassLoader())) {
                long t0 = System.nanoTime();
                DagBag bag = new DagBag(null, work.resolve("cache"), loader);
                bag.loadClasspath();
                times[rep] = (System.nanoTime() - t0) / 1e9;
                found = (int) bag.dags().stream().filter(d -> d.id().startsWith("generated_")).count();
            }
        }
        double median = BenchSupport.percentile(times, 50);
        System.out.printf("DAG loading, %s%n", BenchSupport.machine());
        System.out.printf("  1,000 DAG classes from the classpath (fresh class loader each time): median %.3f s of 5 (target 2 s: %.2fx), %d DAGs%n",
                median, median / 2, found);

        Path folder = Files.createDirectories(work.resolve("dags"));
        for (int i = 0; i < 100; i++) {
            Files.writeString(folder.resolve("FolderDag" + i + ".java"), source(null, "FolderDag" + i, "folder_" + i));
        }
        long t0 = System.nanoTime();
        DagBag cold = new DagBag(folder, work.resolve("folder-cache"), DagLoadBench.class.getClassLoader());
        cold.refresh();
        double coldSecs = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        DagBag warm = new DagBag(folder, work.resolve("folder-cache"), DagLoadBench.class.getClassLoader());
        warm.refresh();
        double warmSecs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  100 .java files in the dags folder: %.2f s compiling (cold), %.3f s from the compile cache (warm); %d DAGs, %d errors%n",
                coldSecs, warmSecs, warm.dags().size(), warm.importErrors().size());
    }
}
