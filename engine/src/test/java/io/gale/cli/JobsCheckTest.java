package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.core.ProcessIdentity;
import io.gale.dagbag.DagBag;
import io.gale.store.Database;
import io.gale.store.JooqStore;
import io.gale.testing.CliHarness;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale jobs check}: a scheduler container's health check (real PostgreSQL). */
class JobsCheckTest {

    @TempDir
    Path home;

    @Test
    void aliveOnlyWhileASchedulerHeartbeatsRecently() {
        CliHarness cli = new CliHarness(home, DagBag.of());
        CliHarness.Result none = cli.run("jobs", "check");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err().strip()).isEqualTo("Error: no alive scheduler (a heartbeat within 30 s; 1 needed)");

        try (Database db = Database.external(cli.url(), "postgres", null)) {
            var jobs = new JooqStore(db).schedulerJobs();
            long id = jobs.register(ProcessIdentity.current(), Instant.now());
            jobs.heartbeat(id, Instant.now());
            CliHarness.Result alive = cli.run("jobs", "check", "--job-type", "SchedulerJob", "--local");
            assertThat(alive.code()).as(alive.err()).isZero();
            assertThat(alive.out().strip()).isEqualTo("Found 1 alive scheduler on " + ProcessIdentity.current().hostname() + ".");
            assertThat(cli.run("jobs", "check", "--hostname", "elsewhere").code()).isEqualTo(1);
            assertThat(cli.run("jobs", "check", "--limit", "2").err()).contains("only 1 alive scheduler(s)");

            jobs.heartbeat(id, Instant.now().minusSeconds(120));
            CliHarness.Result stale = cli.run("jobs", "check", "--threshold", "60s");
            assertThat(stale.code()).isEqualTo(1);
            assertThat(stale.err()).contains("no alive scheduler (a heartbeat within 60 s; 1 needed)");
        }
        assertThat(cli.run("jobs", "check", "--job-type", "TriggererJob").err().strip())
                .isEqualTo("Error: --job-type must be SchedulerJob, got 'TriggererJob'");
    }
}
