package io.gale.webui;

import io.gale.config.GaleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code gale} child processes of one test on one {@code GALE_HOME}: each started from the test's
 * JVM and classpath with a clean {@code GALE_*} environment, its output in {@code HOME/NAME.out}.
 * A JUnit extension ({@code @RegisterExtension}): each test gets a fresh temporary {@link #home};
 * after it, {@link #stopAll} ends the processes and the embedded PostgreSQL that a killed one may
 * have left running, and the directory is deleted (kept, and named on stderr, when the test failed).
 */
final class GaleProcesses implements BeforeEachCallback, AfterEachCallback {

    /** What every scheduler of these tests runs with: fast heartbeats and zombie checks, four slots. */
    static final Map<String, String> FAST_SCHEDULER = Map.of("GALE_HEARTBEAT", "1", "GALE_ZOMBIE_THRESHOLD", "5",
            "GALE_PARALLELISM", "4", "GALE_DAG_DIR_LIST_INTERVAL", "1");

    private Path home;
    private final List<Process> processes = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("gale-processes");
        processes.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        stopAll();
        if (context.getExecutionException().isPresent()) {
            System.err.println("Kept " + home + " (the processes' output, DAGs and side effects) of failed test "
                    + context.getDisplayName());
            return;
        }
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** This test's {@code GALE_HOME}, where the tests also keep their DAG files and side-effect logs. */
    Path home() {
        return home;
    }

    /** {@code gale ARGS} with {@code env} over {@link #FAST_SCHEDULER}, on {@code classpath}; output in {@code HOME/NAME.out}. */
    Process start(String name, String classpath, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", classpath, Gale.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
        Map<String, String> all = new HashMap<>(FAST_SCHEDULER);
        all.put("GALE_HOME", home.toString());
        all.putAll(env);
        pb.environment().putAll(all);
        Process p = pb.redirectErrorStream(true).redirectOutput(outputFile(name).toFile()).start();
        processes.add(p);
        return p;
    }

    /** {@code gale scheduler} on the test's classpath. */
    Process scheduler(String name, Map<String, String> env) throws IOException {
        return start(name, System.getProperty("java.class.path"), env, "scheduler");
    }

    /** What the process {@code name} has written so far (nothing before it has). */
    String output(String name) {
        try {
            return Files.readString(outputFile(name));
        } catch (IOException e) {
            return "";
        }
    }

    /** The lines of {@code file} in {@link #home} (a side-effect log), none while it does not exist. */
    List<String> lines(String file) {
        try {
            Path p = home.resolve(file);
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The configuration of a Gale process on this test's home, e.g. to open its database from the test. */
    GaleConfig config() {
        return GaleConfig.from(Map.of("GALE_HOME", home.toString()));
    }

    private Path outputFile(String name) {
        return home.resolve(name + ".out");
    }

    /**
     * Ctrl-C to each process (SIGKILL after 60 s), then a fast shutdown of an embedded server left running;
     * a second call finds nothing more to do.
     */
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        Path postmaster = home.resolve("postgres").resolve("postmaster.pid");
        if (Files.exists(postmaster)) {
            long pid = Long.parseLong(Files.readAllLines(postmaster).get(0).strip());
            ProcessHandle.of(pid).ifPresent(server -> {
                try {
                    new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor();
                    server.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    server.destroyForcibly();
                }
            });
        }
    }
}
