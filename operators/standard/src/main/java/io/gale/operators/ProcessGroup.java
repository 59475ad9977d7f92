package io.gale.operators;

import io.gale.api.ProcessGroups;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A shell command running in a session and process group of its own that cannot outlive the JVM
 * that started it (Linux; needs {@code setsid} from util-linux and {@code /proc}).
 *
 * <p>The command is started as {@code setsid bash -c WRAPPER gale-try COMMAND}. The JVM holds the
 * write end of the child's stdin pipe and never writes to it. The wrapper keeps that pipe on a
 * background watchdog, {@code cat} until end of file then {@code kill -KILL 0}, and execs
 * {@code bash -c COMMAND} with stdin from {@code /dev/null}. End of file comes when the JVM closes
 * the pipe ({@link #end()}) or when the JVM dies, however it dies: the kernel closes its
 * descriptors, so a {@code kill -9} of the scheduler kills the whole group at once, without polling.
 * Java closes inherited descriptors in every child it starts, so no other process holds the pipe.
 */
final class ProcessGroup {

    private static final String MARKER = "gale-process-group ";
    private static final String WRAPPER = String.join("\n",
            "exec 3<&0",
            "( cat <&3 >/dev/null 2>&1; kill -KILL 0 ) </dev/null >/dev/null 2>&1 &",
            "echo \"" + MARKER + "$$\"",
            "exec bash -c \"$1\" 3<&- </dev/null");
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final long id;
    private final BufferedReader output;
    private boolean ended;

    private ProcessGroup(Process process, long id, BufferedReader output) {
        this.process = process;
        this.id = id;
        this.output = output;
    }

    /** The command line that runs {@code command} under the wrapper; the caller sets directory and environment. */
    static List<String> commandLine(String command) {
        return List.of("setsid", "bash", "-c", WRAPPER, "gale-try", command);
    }

    /**
     * Starts {@code builder}, whose command is {@link #commandLine}, with stdout and stderr merged,
     * and returns once the group exists.
     */
    static ProcessGroup start(ProcessBuilder builder) throws IOException {
        Process p;
        try {
            p = builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException("cannot start a Bash command with setsid (util-linux, Linux only): " + e.getMessage(), e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith(MARKER)) {
            p.getOutputStream().close(); // a watchdog already started kills its group
            p.destroyForcibly();
            throw new IOException("the Bash wrapper did not start (setsid and bash must be on PATH): "
                    + (first == null ? "no output" : first));
        }
        return new ProcessGroup(p, Long.parseLong(first.substring(MARKER.length()).strip()), out);
    }

    /** The process group (and session) id: the pid of the command's shell. */
    long id() {
        return id;
    }

    /** The command's shell; it exits with the command's status. */
    Process process() {
        return process;
    }

    /** The merged stdout and stderr of every process of the group, after the wrapper's own line. */
    BufferedReader output() {
        return output;
    }

    /**
     * Ends the group: closes the watchdog's pipe so that it kills every process still in the group,
     * kills any that remain as a backup, and returns when none is left (or after 10 s, reporting
     * the survivors). Ending an ended group does nothing. An interrupt of the calling thread is
     * kept for the caller and does not cut the wait short: a try has not ended while a process of
     * it still runs.
     *
     * @return the pids still alive after the wait, empty when the group is gone
     */
    List<Long> end() {
        if (ended) {
            return List.of();
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the pipe is closed already
        }
        try {
            return ProcessGroups.end(id, GONE_TIMEOUT);
        } finally {
            ended = true;
        }
    }
}
