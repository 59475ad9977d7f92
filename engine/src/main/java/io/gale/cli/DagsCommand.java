package io.gale.cli;

import io.gale.client.DagSummary;
import io.gale.core.DagRun;
import io.gale.core.TaskInstance;
import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import io.gale.scheduler.SchedulableDag;
import java.time.ZoneId;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale dags ...} */
@Command(name = "dags", description = "Manage and run DAGs.", subcommands = {
        DagsCommand.ListDags.class, DagsCommand.ListImportErrors.class, DagsCommand.Show.class,
        DagsCommand.Test.class, DagsCommand.Trigger.class, DagsCommand.ListRuns.class,
        DagsCommand.Pause.class, DagsCommand.Unpause.class, BackfillCommand.class, NextExecutionCommand.class,
        DagsCommand.Reserialize.class})
final class DagsCommand extends Sub implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    @Command(name = "list", description = "List the DAGs Gale found.")
    static final class ListDags extends Sub implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            List<DagSummary> dags = client().listDags();
            if (json) {
                json(dags);
            } else {
                Table t = new Table("dag_id", "fileloc", "is_paused", "schedule", "timezone", "tags", "tasks");
                dags.forEach(d -> t.row(d.dagId(), d.fileloc(), d.paused(), d.schedule() == null ? "None" : d.schedule(),
                        d.timezone(), String.join(",", d.tags()), d.tasks()));
                t.print(out());
                int errors = client().importErrors().size();
                if (errors > 0) {
                    err().println(errors + " file(s) failed to load: run 'gale dags list-import-errors'");
                }
            }
            return 0;
        }
    }

    @Command(name = "list-import-errors", description = "List the files that failed to load, and why.")
    static final class ListImportErrors extends Sub implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            var errors = client().importErrors();
            if (json) {
                json(errors.stream().map(e -> Map.of("filepath", e.filename(), "error", e.message())).toList());
            } else if (errors.isEmpty()) {
                out().println("No import errors.");
            } else {
                Table t = new Table("filepath", "error");
                errors.forEach(e -> t.row(e.filename(), e.message().replace('\n', ' ')));
                t.print(out());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show a DAG's tasks and edges.")
    static final class Show extends Sub implements Callable<Integer> {
        @Parameters(paramLabel = "DAG")
        String dagId;
        @Option(names = "--dot", description = "Print the graph in Graphviz's dot language.")
        boolean dot;

        @Override
        public Integer call() {
            SchedulableDag d = client().schedulable(dagId);
            SerializedDag dag = d.dag();
            if (dot) {
                out().println("digraph \"" + dag.dagId() + "\" {");
                out().println("  rankdir=LR;");
                for (String t : dag.topologicalOrder()) {
                    out().println("  \"" + t + "\" [shape=box];");
                }
                for (String t : dag.topologicalOrder()) {
                    for (String down : dag.downstreamIds(t)) {
                        out().println("  \"" + t + "\" -> \"" + down + "\";");
                    }
                }
                out().println("}");
                return 0;
            }
            out().println("DAG " + dag.dagId() + (dag.description() == null ? "" : ": " + dag.description()));
            out().println("schedule: " + d.timetable().summary() + ", timezone " + dag.timezone()
                    + (dag.startDate() == null ? "" : ", start " + dag.startDate().atZone(ZoneId.of(dag.timezone()))) + ", catchup " + dag.catchup());
            Table t = new Table("task_id", "operator", "trigger_rule", "retries", "upstream", "downstream");
            for (String id : dag.topologicalOrder()) {
                SerializedTask task = dag.task(id);
                t.row(id, task.operatorName(), task.triggerRule().id(), task.retries(),
                        String.join(",", task.upstreamIds()), String.join(",", dag.downstreamIds(id)));
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "test", description = "Run one whole DAG run in this process and print each task's state.")
    static final class Test extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DAG")
        String dagId;
        @Parameters(index = "1", arity = "0..1", paramLabel = "LOGICAL_DATE", description = "default: now; without an offset, in the DAG's timezone")
        String logicalDate;
        @Mixin
        ConfOptions conf;
        @Option(names = "--timeout", defaultValue = "1h", description = "give up after this long: 90 (seconds), 90s, 5m, 1h30m or PT1H")
        Duration timeout;
        @Option(names = "--replace", description = "delete a run the scheduler or a user made at that logical date (with its logs and XComs) and test in its place")
        boolean replace;
        @Option(names = {"-y", "--yes"}, description = "with --replace: do not ask for confirmation")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> c = conf.conf();
            client().processDags();
            Instant logical = client().logicalDate(dagId, logicalDate);
            var existing = client().runAt(dagId, logical).filter(r -> !io.gale.client.Operations.isTestRun(r));
            if (replace && existing.isPresent() && !yes && !confirm("Delete run " + existing.get().runId() + " ("
                    + existing.get().state().id() + ") with its task instances, logs and XComs?", "not replacing run "
                    + existing.get().runId())) {
                return 1;
            }
            DagRun run = engine().test(dagId, logical, c, timeout, replace);
            Table t = new Table("task_id", "state", "tries", "duration_s");
            for (TaskInstance ti : client().taskStates(dagId, run.runId())) {
                t.row(ti.taskId(), ti.state().id(), ti.tryNumber(), ti.duration() == null ? "" : String.format("%.3f", ti.duration()));
            }
            t.print(out());
            out().println("DAG run " + run.runId() + " " + run.state().id());
            return run.state() == io.gale.core.DagRunState.SUCCESS ? 0 : 1;
        }
    }

    @Command(name = "trigger", description = "Record a queued manual run for the scheduler to execute.")
    static final class Trigger extends Sub implements Callable<Integer> {
        @Parameters(paramLabel = "DAG")
        String dagId;
        @Mixin
        ConfOptions conf;
        @Option(names = {"-r", "--run-id"})
        String runId;
        @Option(names = {"-e", "--exec-date", "--logical-date"}, description = "default: now; without an offset, in the DAG's timezone")
        String logicalDate;
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            Map<String, Object> c = conf.conf();
            DagRun run = client().trigger(dagId, c, runId, client().logicalDate(dagId, logicalDate));
            if (json) {
                json(runJson(run));
            } else {
                out().println("Created " + run.runId() + " of DAG " + dagId + ", state " + run.state().id()
                        + ", logical date " + run.logicalDate() + ", data interval [" + run.dataIntervalStart() + ", "
                        + run.dataIntervalEnd() + ")");
            }
            return 0;
        }
    }

    @Command(name = "list-runs", description = "List a DAG's runs, newest first.")
    static final class ListRuns extends Sub implements Callable<Integer> {
        @Option(names = {"-d", "--dag-id"}, required = true)
        String dagId;
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            List<DagRun> runs = client().runs(dagId);
            if (json) {
                json(runs.stream().map(DagsCommand::runJson).toList());
            } else {
                Table t = new Table("dag_id", "run_id", "run_type", "state", "logical_date", "start_date", "end_date");
                runs.forEach(r -> t.row(r.dagId(), r.runId(), r.runType().id(), r.state().id(), r.logicalDate(),
                        r.startDate(), r.endDate()));
                t.print(out());
            }
            return 0;
        }
    }

    @Command(name = "reserialize", description = "Read the classpath and the dags folder again (in a child process) and record their DAGs.")
    static final class Reserialize extends Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            var pass = client().processDags();
            out().println("DAGs: " + pass.dags() + ", import errors: " + pass.importErrors()
                    + (pass.changedDags().isEmpty() ? "" : ", new or changed: " + String.join(", ", pass.changedDags())));
            return 0;
        }
    }

    @Command(name = "pause", description = "Pause a DAG: no new runs, no tasks started.")
    static final class Pause extends SetPaused {
        Pause() {
            super(true);
        }
    }

    @Command(name = "unpause", description = "Unpause a DAG.")
    static final class Unpause extends SetPaused {
        Unpause() {
            super(false);
        }
    }

    private abstract static class SetPaused extends Sub implements Callable<Integer> {
        private final boolean paused;
        @Parameters(paramLabel = "DAG")
        String dagId;

        SetPaused(boolean paused) {
            this.paused = paused;
        }

        @Override
        public Integer call() {
            client().setPaused(dagId, paused);
            out().println("Dag: " + dagId + ", paused: " + paused);
            return 0;
        }
    }

    static Map<String, Object> runJson(DagRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dag_id", r.dagId());
        m.put("run_id", r.runId());
        m.put("run_type", r.runType().id());
        m.put("state", r.state().id());
        m.put("logical_date", r.logicalDate());
        m.put("data_interval_start", r.dataIntervalStart());
        m.put("data_interval_end", r.dataIntervalEnd());
        m.put("start_date", r.startDate());
        m.put("end_date", r.endDate());
        m.put("conf", r.conf());
        return m;
    }
}
