package io.gale.cli;

import io.gale.core.Json;
import io.gale.core.TaskInstance;
import io.gale.executor.TaskEvent;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale tasks ...} */
@Command(name = "tasks", description = "Inspect and run task instances.", subcommands = {
        TasksCommand.TestTask.class, TasksCommand.RunTry.class, TasksCommand.StatesForDagRun.class, TasksCommand.Clear.class,
        TasksCommand.XCom.class, TasksCommand.Logs.class, TasksCommand.Callbacks.class})
final class TasksCommand extends Sub implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    @Command(name = "test", description = "Run one task once, ignoring dependencies and recording nothing.")
    static final class TestTask extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DAG")
        String dagId;
        @Parameters(index = "1", paramLabel = "TASK")
        String taskId;
        @Parameters(index = "2", arity = "0..1", paramLabel = "LOGICAL_DATE")
        String logicalDate;
        @Mixin
        ConfOptions conf;

        @Override
        public Integer call() {
            Map<String, Object> c = conf.conf();
            client().processDags();
            TaskEvent e = engine().testTask(dagId, taskId, client().logicalDate(dagId, logicalDate), c);
            out().print(e.log());
            e.xcoms().forEach((k, v) -> out().println("XCom " + k + " = " + v));
            out().println("Task " + taskId + " " + e.state().id());
            return e.state() == io.gale.core.TaskState.SUCCESS || e.state() == io.gale.core.TaskState.SKIPPED ? 0 : 1;
        }
    }

    @Command(name = "run", description = {"Run one try of a running task instance in this process and print its log,"
            + " then its outcome as one line: " + "GALE_TRY_OUTCOME {json}.",
            "Records nothing: the scheduler that started the try records its end (what a Kubernetes pod runs)."})
    static final class RunTry extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DAG")
        String dagId;
        @Parameters(index = "1", paramLabel = "TASK")
        String taskId;
        @Parameters(index = "2", paramLabel = "RUN_ID")
        String runId;
        @Option(names = "--try", required = true, paramLabel = "N", description = "the try number the scheduler started")
        int tryNumber;

        @Override
        public Integer call() {
            TaskEvent e = engine().runTry(dagId, taskId, runId, tryNumber);
            out().print(e.log());
            out().println(io.gale.executor.TryOutcome.of(e).line());
            out().flush();
            return e.state() == io.gale.core.TaskState.SUCCESS || e.state() == io.gale.core.TaskState.SKIPPED ? 0 : 1;
        }
    }

    /** A command about one run of a DAG, printed as a table or JSON. */
    private abstract static class RunCommand extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DAG")
        String dagId;
        @Parameters(index = "1", paramLabel = "RUN_ID")
        String runId;
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;
    }

    @Command(name = "states-for-dag-run", description = "The state of every task instance of a run.")
    static final class StatesForDagRun extends RunCommand {

        @Override
        public Integer call() {
            boolean json = isJson(output);
            List<TaskInstance> tis = client().taskStates(dagId, runId);
            if (json) {
                json(tis.stream().map(ti -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("dag_id", ti.dagId());
                    m.put("run_id", ti.runId());
                    m.put("task_id", ti.taskId());
                    m.put("state", ti.state().id());
                    m.put("try_number", ti.tryNumber());
                    m.put("max_tries", ti.maxTries());
                    m.put("start_date", ti.startDate());
                    m.put("end_date", ti.endDate());
                    m.put("duration", ti.duration());
                    m.put("hostname", ti.hostname());
                    m.put("next_retry_at", ti.nextRetryAt());
                    return m;
                }).toList());
            } else {
                Table t = new Table("task_id", "state", "try_number", "start_date", "end_date", "duration_s");
                tis.forEach(ti -> t.row(ti.taskId(), ti.state().id(), ti.tryNumber(), ti.startDate(), ti.endDate(),
                        ti.duration() == null ? "" : String.format("%.3f", ti.duration())));
                t.print(out());
            }
            return 0;
        }
    }

    @Command(name = "callbacks", description = "Where the task callbacks of a run stand: pending, delivered or failed.")
    static final class Callbacks extends RunCommand {

        @Override
        public Integer call() {
            boolean json = isJson(output);
            var rows = client().callbacks(dagId, runId);
            if (json) {
                json(rows.stream().map(c -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", c.id());
                    m.put("task_id", c.key().taskId());
                    m.put("try_number", c.tryNumber());
                    m.put("kind", c.kind().id());
                    m.put("state", c.state().id());
                    m.put("status", c.status().name().toLowerCase(java.util.Locale.ROOT));
                    m.put("attempts", c.attempts());
                    m.put("next_attempt_at", c.nextAttemptAt());
                    m.put("delivered_at", c.deliveredAt());
                    m.put("failed_at", c.failedAt());
                    m.put("last_error", c.lastError());
                    return m;
                }).toList());
            } else {
                Table t = new Table("task_id", "try_number", "kind", "status", "attempts", "next_attempt_at", "last_error");
                rows.forEach(c -> t.row(c.key().taskId(), c.tryNumber(), c.kind().id(),
                        c.status().name().toLowerCase(java.util.Locale.ROOT), c.attempts(),
                        c.status() == io.gale.store.CallbackOutboxRepository.Status.PENDING ? c.nextAttemptAt() : "",
                        c.lastError() == null ? "" : c.lastError()));
                t.print(out());
            }
            return 0;
        }
    }

    @Command(name = "clear", description = "Reset task instances so they run again.")
    static final class Clear extends Sub implements Callable<Integer> {
        @Parameters(paramLabel = "DAG")
        String dagId;
        @Option(names = {"-t", "--task-regex"}, description = "only tasks whose id matches this regular expression")
        String taskRegex;
        @Option(names = {"-d", "--downstream"}, description = "also clear their downstream tasks")
        boolean downstream;
        @Option(names = {"-r", "--run-id"}, description = "only this run (default: every run)")
        String runId;
        @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
        boolean yes;

        @Override
        public Integer call() throws IOException {
            List<TaskInstance> match = client().clear(dagId, taskRegex, downstream, runId, true);
            if (match.isEmpty()) {
                out().println("No task instances to clear.");
                return 0;
            }
            if (!yes) {
                out().println("You are about to clear these " + match.size() + " task instances:");
                match.forEach(ti -> out().println("  " + ti.runId() + " " + ti.taskId() + " (" + ti.state().id() + ")"));
                if (!confirm("Are you sure?", "not clearing")) {
                    out().println("Cancelled, nothing cleared.");
                    return 1;
                }
            }
            List<TaskInstance> cleared = client().clear(dagId, taskRegex, downstream, runId, false);
            out().println("Cleared " + cleared.size() + " task instances.");
            return 0;
        }
    }

    /** A command about one task instance: DAG RUN_ID TASK. */
    private abstract static class TaskInstanceCommand extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DAG")
        String dagId;
        @Parameters(index = "1", paramLabel = "RUN_ID")
        String runId;
        @Parameters(index = "2", paramLabel = "TASK")
        String taskId;
    }

    @Command(name = "xcom", description = "Print the XCom JSON a task instance stored.")
    static final class XCom extends TaskInstanceCommand {
        @Option(names = {"-k", "--key"}, description = "only this key (e.g. return_value)")
        String key;

        @Override
        public Integer call() {
            var entries = client().xcoms(dagId, runId, taskId, key);
            if (key != null) {
                out().println(entries.get(0).json());
            } else {
                Map<String, Object> all = new LinkedHashMap<>();
                entries.forEach(e -> all.put(e.key(), Json.read(e.json(), Object.class)));
                json(all);
            }
            return 0;
        }
    }

    @Command(name = "logs", description = "Print the log of a task instance's try (the latest by default).")
    static final class Logs extends TaskInstanceCommand {
        @Option(names = "--try", description = "try number")
        Integer tryNumber;

        @Override
        public Integer call() {
            out().print(client().log(dagId, runId, taskId, tryNumber));
            out().flush();
            return 0;
        }
    }
}
