package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.core.Json;
import io.gale.dagbag.DagBag;
import io.gale.testing.CliHarness;
import io.gale.testing.CliHarness.Result;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale dags backfill}: inclusive ranges, existing runs, dry runs, resuming, bad input. */
class BackfillTest {

    static final AtomicBoolean FAIL = new AtomicBoolean();

    @TempDir
    Path home;
    CliHarness cli;

    @BeforeEach
    void setUp() {
        FAIL.set(false);
        var daily = Dag.builder("daily").schedule("@daily").catchup(false)
                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/London")));
        var a = daily.task("a", ctx -> {
            if (FAIL.get()) throw new io.gale.api.FailTask("failing on purpose");
            return ctx.logicalDateLocal().toLocalDate().toString();
        });
        a.then(daily.task("b", ctx -> ctx.xcomPull("a", String.class)));
        var manual = Dag.builder("manual_only");
        manual.task("t", ctx -> null);
        cli = new CliHarness(home, DagBag.of(daily.build(), manual.build()));
    }

    private List<Map<String, Object>> runs() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> r = Json.read(cli.run("dags", "list-runs", "-d", "daily", "-o", "json").out(), List.class);
        return r;
    }

    private static void failsWith(Result r, String message) {
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: ").contains(message);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void bothEndsAreInclusiveAndPlainDatesAreReadInTheDagsTimezone() {
        Result r = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-03");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("read in the DAG's timezone Europe/London", "3 new runs to create",
                "Backfill 1 completed: 3 succeeded, 0 failed.");
        assertThat(runs()).extracting(m -> m.get("run_id") + " " + m.get("state") + " " + m.get("run_type")).containsExactly(
                "backfill__2026-06-02T23:00:00+00:00 success backfill",
                "backfill__2026-06-01T23:00:00+00:00 success backfill",
                "backfill__2026-05-31T23:00:00+00:00 success backfill");
    }

    @Test
    void dryRunWritesNothing() {
        Result r = cli.run("dags", "backfill", "daily", "-s", "2026-06-01T00:00+01:00", "-e", "2026-06-02T00:00+01:00", "--dry-run");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("would create backfill run 2026-05-31T23:00:00Z", "would create backfill run 2026-06-01T23:00:00Z",
                "Dry run: nothing written.").doesNotContain("read in the DAG's timezone");
        assertThat(runs()).isEmpty();
    }

    @Test
    void existingRunsAreReportedAndLeftAloneUnlessReset() {
        assertThat(cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-02").code()).isZero();
        Result again = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-02");
        failsWith(again, "nothing to backfill: all 2 runs in the range already exist and were left unchanged; use --reset-dagruns");
        assertThat(again.out()).contains("2 runs in the range already exist and are left alone");

        Result wider = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-03");
        assertThat(wider.code()).isZero();
        assertThat(wider.out()).contains("2 runs in the range already exist and are left alone", "1 new runs to create");
        assertThat(runs()).hasSize(3);

        failsWith(cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-03", "--reset-dagruns"), "pass -y");
        Result reset = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-03", "--reset-dagruns", "-y");
        assertThat(reset.code()).as(reset.out() + reset.err()).isZero();
        assertThat(reset.out()).contains("3 existing runs will be cleared and rerun", "completed: 3 succeeded");
        assertThat(runs()).hasSize(3);
    }

    @Test
    void failedRunsRerunOnlyWithRerunFailedTasks() {
        FAIL.set(true);
        Result failed = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-01");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.out()).contains("completed: 0 succeeded, 1 failed", "failed: backfill__2026-05-31T23:00:00+00:00");
        FAIL.set(false);
        failsWith(cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-01"), "nothing to backfill");
        Result rerun = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-01", "--rerun-failed-tasks");
        assertThat(rerun.code()).as(rerun.out()).isZero();
        assertThat(rerun.out()).contains("1 failed runs will rerun their failed tasks", "completed: 1 succeeded, 0 failed");
    }

    @Test
    void backwardsOrderAndResume() {
        Result recorded = cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-04", "-B", "--no-wait",
                "--max-active-runs", "1");
        assertThat(recorded.code()).isZero();
        assertThat(recorded.out()).contains("Backfill 1 recorded: 4 runs of daily, at most 1 at once, latest first");
        assertThat(runs()).allMatch(m -> m.get("state").equals("queued"));
        Result resumed = cli.run("dags", "backfill", "daily", "--resume");
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resuming backfill 1", "completed: 4 succeeded");
        // latest first: runs listed newest logical date first started first
        List<Map<String, Object>> all = runs();
        assertThat(all).extracting(m -> (String) m.get("start_date")).isSorted();
        failsWith(cli.run("dags", "backfill", "daily", "--resume"), "has no unfinished backfill to resume");
    }

    @Test
    void badInput() {
        failsWith(cli.run("dags", "backfill", "daily", "-s", "2026-06-05", "-e", "2026-06-01"),
                "backfill start 2026-06-04T23:00:00Z is after its end 2026-05-31T23:00:00Z");
        failsWith(cli.run("dags", "backfill", "nope", "-s", "2026-06-01", "-e", "2026-06-02"), "DAG 'nope' not found");
        failsWith(cli.run("dags", "backfill", "manual_only", "-s", "2026-06-01", "-e", "2026-06-02"), "has no schedule");
        failsWith(cli.run("dags", "backfill", "daily", "-s", "2026-06-01"), "give both -s START and -e END");
        failsWith(cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-02", "-c", "{oops"), "conf is not valid JSON");
        failsWith(cli.run("dags", "backfill", "daily", "-s", "2026-06-01", "-e", "2026-06-02", "--max-active-runs", "0"),
                "--max-active-runs must be at least 1");
        failsWith(cli.run("dags", "pause", "nope"), "DAG 'nope' not found");
        failsWith(cli.run("dags", "unpause", "nope"), "DAG 'nope' not found");
        assertThat(runs()).isEmpty();
    }

    @Test
    void nextExecutionInUtcAndLocalTime() {
        Result r = cli.run("dags", "next-execution", "daily", "-n", "2", "-o", "json");
        assertThat(r.code()).isZero();
        List<?> list = Json.read(r.out(), List.class);
        assertThat(list).hasSize(2);
        assertThat(r.out()).contains("\"timezone\" : \"Europe/London\"", "\"logical_date_local\"", "\"run_after\"");
        assertThat(cli.run("dags", "next-execution", "manual_only").out()).contains("None");
    }
}
