package io.gale.cli;

import io.gale.client.Backfills;
import io.gale.core.BackfillState;
import io.gale.core.BadRequestException;
import io.gale.core.DagRun;
import io.gale.core.DagRunState;
import io.gale.scheduler.SchedulableDag;
import io.gale.store.BackfillRepository.Backfill;
import io.gale.store.BackfillRepository.Progress;
import io.gale.store.DagRunRepository.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gale dags backfill}: records a backfill in the database and executes it with the
 * scheduler machinery in this process (a running {@code gale scheduler} shares the work).
 * Ctrl-C leaves it recorded; {@code --resume} (or any scheduler) finishes it.
 */
@Command(name = "backfill", description = "Run a DAG for every interval whose logical date is in [START, END] (both inclusive).")
final class BackfillCommand extends Sub implements Callable<Integer> {

    @Parameters(paramLabel = "DAG")
    String dagId;
    @Option(names = {"-s", "--start-date"}, description = "first logical date; without an offset, in the DAG's timezone")
    String start;
    @Option(names = {"-e", "--end-date"}, description = "last logical date (inclusive)")
    String end;
    @Option(names = "--reset-dagruns", description = "clear and rerun runs that already exist in the range")
    boolean reset;
    @Option(names = "--rerun-failed-tasks", description = "rerun the failed tasks of failed runs in the range")
    boolean rerunFailed;
    @Option(names = {"-B", "--run-backwards"}, description = "start with the latest interval")
    boolean backwards;
    @Option(names = {"-n", "--dry-run"}, description = "print the runs it would create; write nothing")
    boolean dryRun;
    @Mixin
    ConfOptions conf;
    @Option(names = "--max-active-runs", description = "runs of this backfill at once (default: the DAG's max_active_runs)")
    Integer maxActiveRuns;
    @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
    boolean yes;
    @Option(names = "--resume", description = "finish this DAG's unfinished backfill instead of starting one")
    boolean resume;
    @Option(names = "--no-wait", description = "record the backfill and return; a running scheduler executes it")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        var client = client();
        SchedulableDag d = client.schedulable(dagId);
        Backfill backfill;
        if (resume) {
            backfill = client.store().backfills().latestRunning(dagId).orElseThrow(() -> new BadRequestException(
                    "DAG '" + dagId + "' has no unfinished backfill to resume"));
            out().println("Resuming backfill " + backfill.id() + " of " + dagId + ": " + backfill.fromDate() + " .. " + backfill.toDate());
        } else {
            if (start == null || end == null) {
                throw new BadRequestException("give both -s START and -e END (or --resume)");
            }
            var zone = java.time.ZoneId.of(d.dag().timezone());
            Instant from = client.logicalDate(dagId, start);
            Instant to = client.logicalDate(dagId, end);
            if (!io.gale.core.Dates.hasOffset(start) || !io.gale.core.Dates.hasOffset(end)) {
                out().println("Dates without an offset are read in the DAG's timezone " + zone + ": "
                        + from.atZone(zone) + " .. " + to.atZone(zone) + " (" + from + " .. " + to + " UTC), both inclusive");
            }
            var request = new Backfills.Request(dagId, from, to, reset, rerunFailed, backwards, conf.conf(), maxActiveRuns);
            var plan = client.backfills().plan(d, request);
            report(plan);
            if (dryRun) {
                plan.toCreate().forEach(i -> out().println("  would create backfill run " + i.logicalDate()
                        + " [" + i.dataInterval().start() + ", " + i.dataInterval().end() + ")"));
                out().println("Dry run: nothing written.");
                return 0;
            }
            if (plan.total() == 0) {
                throw new BadRequestException("nothing to backfill: all " + plan.leftAlone().size()
                        + " runs in the range already exist and were left unchanged; use --reset-dagruns to rerun them"
                        + " or --rerun-failed-tasks to rerun the failed ones");
            }
            if (reset && !plan.toReset().isEmpty() && !yes && !confirm("Clear and rerun " + plan.toReset().size() + " existing runs?", "not changing existing runs")) {
                out().println("Cancelled, nothing changed.");
                return 1;
            }
            long id = client.backfills().start(d, plan);
            backfill = client.store().backfills().find(id).orElseThrow();
            out().println("Backfill " + id + " recorded: " + plan.total() + " runs of " + dagId + ", at most "
                    + backfill.maxActiveRuns() + " at once" + (backwards ? ", latest first" : "") + ".");
        }
        out().flush();
        if (noWait) {
            out().println("A running 'gale scheduler' executes it; 'gale dags backfill " + dagId + " --resume' follows it here.");
            return 0;
        }
        return execute(backfill);
    }

    private void report(Backfills.Plan plan) {
        if (!plan.leftAlone().isEmpty()) {
            long failed = plan.leftAlone().stream().filter(r -> r.state() == DagRunState.FAILED).count();
            out().println(plan.leftAlone().size() + " runs in the range already exist and are left alone"
                    + (failed > 0 ? " (" + failed + " failed: --rerun-failed-tasks reruns their failed tasks)" : "")
                    + "; --reset-dagruns reruns them:");
            plan.leftAlone().stream().limit(10).forEach(r -> out().println("  " + r.runId() + " " + r.state().id()));
            if (plan.leftAlone().size() > 10) {
                out().println("  ... and " + (plan.leftAlone().size() - 10) + " more");
            }
        }
        if (!plan.toReset().isEmpty()) {
            out().println(plan.toReset().size() + " existing runs will be cleared and rerun.");
        }
        if (!plan.toRerun().isEmpty()) {
            out().println(plan.toRerun().size() + " failed runs will rerun their failed tasks.");
        }
        out().println(plan.toCreate().size() + " new runs to create.");
    }

    private int execute(Backfill backfill) throws Exception {
        var client = client();
        var store = client.store();
        long id = backfill.id();
        long started = System.nanoTime(); // elapsed time for the rate, not a date
        boolean terminal = System.console() != null && System.getenv("CI") == null;
        ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("backfill " + id).setInitialMax(backfill.totalRuns())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().build() : null;
        long[] lastLine = {0};
        Runnable progress = () -> {
            long now = System.nanoTime();
            if (now - lastLine[0] < (bar != null ? 500_000_000L : 2_000_000_000L)) {
                return;
            }
            lastLine[0] = now;
            Progress p = store.backfills().progress(id);
            if (bar != null) {
                bar.stepTo(p.done());
                bar.setExtraMessage(p.failed() > 0 ? p.failed() + " failed" : "");
            } else {
                printLine(p, started);
            }
        };
        try {
            engine().runScheduler(engine().schedulerSettings().withCreateRuns(false), Scope.backfill(id), err(),
                    () -> store.backfills().find(id).map(b -> b.state() != BackfillState.RUNNING).orElse(true), progress);
        } finally {
            if (bar != null) {
                bar.stepTo(store.backfills().progress(id).done());
                bar.close();
            }
        }
        Progress p = store.backfills().progress(id);
        printLine(p, started);
        Backfill after = store.backfills().find(id).orElseThrow();
        if (after.state() == BackfillState.RUNNING) {
            out().println("Backfill " + id + " stopped with " + p.done() + " of " + p.total()
                    + " runs done; it is recorded: 'gale dags backfill " + dagId + " --resume' (or 'gale scheduler') finishes it.");
            return 1;
        }
        out().println("Backfill " + id + " completed: " + p.success() + " succeeded, " + p.failed() + " failed.");
        if (p.failed() > 0) {
            store.runs().ofBackfill(id).stream().filter(r -> r.state() == DagRunState.FAILED).limit(10)
                    .map(DagRun::runId).forEach(r -> out().println("  failed: " + r));
        }
        return p.failed() > 0 ? 1 : 0;
    }

    private void printLine(Progress p, long started) {
        double secs = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        double rate = p.done() / secs;
        long eta = rate > 0 ? Math.round((p.total() - p.done()) / rate) : -1;
        out().printf("backfill: %d/%d runs done, %d failed, %d running, %.1f runs/s, ETA %s%n", p.done(), p.total(), p.failed(),
                p.running(), rate, eta < 0 ? "?" : Duration.ofSeconds(eta).toString().substring(2).toLowerCase());
        out().flush();
    }
}
