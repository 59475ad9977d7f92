package io.gale.operators;

import io.gale.api.Operator;
import io.gale.api.SkipTask;
import io.gale.api.TaskContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a shell command with {@code bash -c}: stdout and stderr go to the task log, the last line
 * of stdout is the return value, a non-zero exit fails the task (exit code 99 skips it, as in
 * Airflow). The command runs in a process group and session of its own (logged with the try),
 * with stdin from {@code /dev/null}; the whole group is killed when the command exits (background
 * jobs it left behind), when the try times out or is interrupted (the try ends once every process
 * of the group is gone), and when the JVM running the try dies, even by {@code kill -9}, so a
 * retry never runs beside a survivor of an earlier try on this host. Needs Linux with
 * {@code setsid} (util-linux).
 *
 * <p>The command and the values of {@link #env} are Jinja templates (Airflow's templated fields
 * {@code bash_command} and {@code env}), rendered for each try with
 * {@link TaskContext#render}: {@code echo {{ ds }} {{ params.city }}}. The command also sees the
 * context as environment variables: {@code GALE_DS}, {@code GALE_TS}, {@code GALE_LOGICAL_DATE},
 * {@code GALE_DAG_ID}, {@code GALE_RUN_ID}, {@code GALE_TASK_ID}, {@code GALE_TRY_NUMBER};
 * Airflow's {@code AIRFLOW_CTX_DAG_ID}, {@code AIRFLOW_CTX_TASK_ID},
 * {@code AIRFLOW_CTX_LOGICAL_DATE}, {@code AIRFLOW_CTX_RUN_ID}, {@code AIRFLOW_CTX_TRY_NUMBER};
 * and {@code GALE_CTX_DAG_ID}, {@code GALE_CTX_RUN_ID}, {@code GALE_CTX_TASK_ID},
 * {@code GALE_CTX_TRY_NUMBER}, {@code GALE_CTX_LOGICAL_DATE},
 * {@code GALE_CTX_DATA_INTERVAL_START}/{@code _END}. Variables set with {@link #env} come last
 * and win.
 */
public final class BashOperator implements Operator<String> {

    /** Exit code that ends the task as skipped. */
    public static final int SKIP_EXIT_CODE = 99;

    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);

    private final String command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path cwd;

    /** @param command the command for {@code bash -c}, a Jinja template */
    public BashOperator(String command) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("BashOperator needs a command");
        }
        this.command = command;
    }

    /** Adds an environment variable for the command (the parent environment is kept); the value is a template. */
    public BashOperator env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Adds environment variables for the command; their values are templates. */
    public BashOperator env(Map<String, String> vars) {
        env.putAll(vars);
        return this;
    }

    /** The working directory; the task's own working directory by default. */
    public BashOperator cwd(Path dir) {
        this.cwd = dir;
        return this;
    }

    @Override
    public String execute(TaskContext ctx) throws Exception {
        String rendered = ctx.render("bash_command", command);
        Map<String, String> renderedEnv = new LinkedHashMap<>();
        env.forEach((name, value) -> renderedEnv.put(name, ctx.render("env." + name, value)));
        ProcessBuilder pb = new ProcessBuilder(ProcessGroup.commandLine(rendered))
                .directory((cwd != null ? cwd : ctx.workDir()).toFile());
        Map<String, String> e = pb.environment();
        e.putAll(contextEnvironment(ctx));
        e.putAll(renderedEnv);
        ProcessGroup group = ProcessGroup.start(pb);
        try {
            ctx.runsProcessGroup(group.id());
            ctx.log().info("Command runs in process group {}, which is killed when the try ends or its JVM dies", group.id());
            AtomicReference<String> last = new AtomicReference<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = group.output()) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        ctx.log().line(line);
                        last.set(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed; its output ends here
                }
            }, "gale-bash-output");
            pump.setDaemon(true);
            pump.start();
            int code = group.process().waitFor();
            endGroup(ctx, group);
            pump.join(OUTPUT_GRACE.toMillis());
            if (pump.isAlive()) {
                ctx.log().warn("Output of process group {} is still open, held by a process that left the group; not waiting for it",
                        group.id());
            }
            if (code == SKIP_EXIT_CODE) {
                throw new SkipTask("command exited with code " + SKIP_EXIT_CODE);
            }
            if (code != 0) {
                throw new CommandFailedException("command exited with code " + code + ": " + command);
            }
            return last.get();
        } finally {
            // on timeout or interrupt too: the try is not over while a process of it runs
            endGroup(ctx, group);
        }
    }

    /** The context as environment variables: Gale's names, Airflow's {@code AIRFLOW_CTX_*} and the older {@code GALE_CTX_*}. */
    static Map<String, String> contextEnvironment(TaskContext ctx) {
        OffsetDateTime utc = ctx.logicalDate().atOffset(ZoneOffset.UTC);
        // as Airflow's logical_date.isoformat(): 2026-06-01T00:00:00+00:00
        String logicalDate = DateTimeFormatter.ofPattern(utc.getNano() / 1000 == 0
                ? "uuuu-MM-dd'T'HH:mm:ssxxx" : "uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT).format(utc);
        Map<String, String> e = new LinkedHashMap<>();
        e.put("GALE_DS", utc.toLocalDate().toString());
        e.put("GALE_TS", logicalDate);
        e.put("GALE_LOGICAL_DATE", logicalDate);
        e.put("GALE_DAG_ID", ctx.dagId());
        e.put("GALE_RUN_ID", ctx.runId());
        e.put("GALE_TASK_ID", ctx.taskId());
        e.put("GALE_TRY_NUMBER", String.valueOf(ctx.tryNumber()));
        e.put("AIRFLOW_CTX_DAG_ID", ctx.dagId());
        e.put("AIRFLOW_CTX_TASK_ID", ctx.taskId());
        e.put("AIRFLOW_CTX_LOGICAL_DATE", logicalDate);
        e.put("AIRFLOW_CTX_RUN_ID", ctx.runId());
        e.put("AIRFLOW_CTX_TRY_NUMBER", String.valueOf(ctx.tryNumber()));
        e.put("GALE_CTX_DAG_ID", ctx.dagId());
        e.put("GALE_CTX_RUN_ID", ctx.runId());
        e.put("GALE_CTX_TASK_ID", ctx.taskId());
        e.put("GALE_CTX_TRY_NUMBER", String.valueOf(ctx.tryNumber()));
        e.put("GALE_CTX_LOGICAL_DATE", ctx.logicalDate().toString());
        e.put("GALE_CTX_DATA_INTERVAL_START", ctx.dataIntervalStart().toString());
        e.put("GALE_CTX_DATA_INTERVAL_END", ctx.dataIntervalEnd().toString());
        return e;
    }

    /** Kills what is left of the group (background jobs the command did not wait for) and waits for it. */
    private static void endGroup(TaskContext ctx, ProcessGroup group) {
        List<Long> survivors = group.end();
        if (!survivors.isEmpty()) {
            ctx.log().warn("Processes {} of process group {} are still alive after SIGKILL", survivors, group.id());
        }
    }

    /** A command that exited with a non-zero code. */
    public static final class CommandFailedException extends RuntimeException {
        public CommandFailedException(String message) {
            super(message);
        }
    }
}
