package io.gale.cli;

import io.gale.core.ProcessIdentity;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gale jobs}: Gale's jobs (schedulers), as Airflow's {@code airflow jobs}. */
@Command(name = "jobs", description = "Look at Gale's jobs (schedulers).", subcommands = JobsCommand.Check.class)
final class JobsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code gale jobs check}: exit 0 when enough schedulers heartbeated recently (a container
     * health check), as {@code airflow jobs check --job-type SchedulerJob}.
     */
    @Command(name = "check", description = "Exit 0 when a running scheduler heartbeated within the threshold, 1 otherwise"
            + " (a health check for a scheduler's container: use --local there).")
    static final class Check extends Sub implements Callable<Integer> {

        @Option(names = "--job-type", defaultValue = "SchedulerJob", description = "The kind of job: SchedulerJob (the only one).")
        String jobType;

        @Option(names = "--hostname", description = "Only jobs on this host.")
        String hostname;

        @Option(names = "--local", description = "Only jobs on this host (the hostname this process has).")
        boolean local;

        @Option(names = "--limit", defaultValue = "1", description = "How many alive jobs are needed (default 1).")
        int limit;

        @Option(names = "--threshold", defaultValue = "30s", converter = DurationConverter.class,
                description = "How recent a heartbeat must be (default 30s, Airflow's scheduler_health_check_threshold).")
        Duration threshold;

        @Override
        public Integer call() {
            if (!"SchedulerJob".equals(jobType)) {
                throw new io.gale.core.BadRequestException("--job-type must be SchedulerJob, got '"
                        + io.gale.core.Text.abbreviate(jobType, 30) + "'");
            }
            if (limit < 1) {
                throw new io.gale.core.BadRequestException("--limit must be at least 1, got " + limit);
            }
            String host = local ? ProcessIdentity.current().hostname() : hostname;
            int alive = clientWithoutDags().aliveSchedulers(threshold, host).size();
            String where = host == null ? "" : " on " + host;
            if (alive < limit) {
                err().println("Error: " + (alive == 0 ? "no alive scheduler" : "only " + alive + " alive scheduler(s)") + where
                        + " (a heartbeat within " + threshold.toSeconds() + " s; " + limit + " needed)");
                err().flush();
                return 1;
            }
            out().println("Found " + alive + " alive scheduler" + (alive == 1 ? "" : "s") + where + ".");
            out().flush();
            return 0;
        }
    }
}
