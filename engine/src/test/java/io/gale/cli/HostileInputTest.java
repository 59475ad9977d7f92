package io.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Dag;
import io.gale.client.Operations;
import io.gale.config.GaleConfig;
import io.gale.core.Json;
import io.gale.dagbag.DagBag;
import io.gale.testing.CliHarness;
import io.gale.testing.CliHarness.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input a hostile or careless user gives the CLI: refused with one short line, secrets never echoed. */
class HostileInputTest {

    @TempDir
    Path home;
    CliHarness cli;

    @BeforeEach
    void setUp() {
        var demo = Dag.builder("demo").param("name", "world");
        demo.task("a", ctx -> "hello " + ctx.param("name", String.class));
        var daily = Dag.builder("daily").schedule("@daily").catchup(false)
                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        daily.task("t", ctx -> null);
        cli = new CliHarness(home, DagBag.of(demo.build(), daily.build()));
    }

    Result gale(String... args) {
        return cli.run(args);
    }

    /** At most 2000 characters of {@code text}, for assertion messages. */
    private static String head(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + text.length() + " chars)";
    }

    private static void failsInOneLine(Result r, int code, String message) {
        assertThat(r.code()).as(head(r.toString())).isEqualTo(code);
        assertThat(r.err()).as(head(r.err())).startsWith("Error: ").contains(message);
        assertThat(r.err().lines().filter(l -> l.startsWith("Error: ")).count()).isEqualTo(1);
        assertThat(r.err().length()).as("short: " + r.err().length() + " chars").isLessThan(500);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> confOf(String dagId, String runId) {
        Result runs = gale("dags", "list-runs", "-d", dagId, "-o", "json");
        List<Map<String, Object>> all = Json.read(runs.out(), List.class);
        return (Map<String, Object>) all.stream().filter(r -> r.get("run_id").equals(runId)).findFirst()
                .orElseThrow(() -> new AssertionError("no run " + runId + " in " + head(runs.out()))).get("conf");
    }

    /** A JSON object of about 1 MB. */
    private Path bigConf() throws Exception {
        Path file = home.resolve("big1m.json");
        Files.writeString(file, Json.write(Map.of("name", "big", "blob", "x".repeat(1 << 20))));
        return file;
    }

    @Test
    void aPasswordInTheDatabaseUrlOrSettingIsNeverPrinted() {
        for (String url : List.of("jdbc:postgresql://127.0.0.1:1/gale?user=bob&password=hunter2",
                "jdbc:postgresql://bob:hunter2@127.0.0.1:1/gale")) {
            GaleConfig config = GaleConfig.from(Map.of("GALE_HOME", home.toString(), "GALE_DATABASE_URL", url,
                    "GALE_DATABASE_PASSWORD", "pw-from-env"));
            assertThat(config.toString()).doesNotContain("hunter2", "pw-from-env");
            for (boolean verbose : new boolean[] {false, true}) {
                PrintStream stdout = System.out;
                PrintStream stderr = System.err;
                ByteArrayOutputStream system = new ByteArrayOutputStream();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code;
                try (PrintStream capture = new PrintStream(system, true, StandardCharsets.UTF_8)) {
                    System.setOut(capture);
                    System.setErr(capture);
                    code = new Cli(config, io.gale.runtime.Engine::open).run(new PrintWriter(out), new PrintWriter(err),
                            verbose ? new String[] {"dags", "list", "--verbose"} : new String[] {"dags", "list"});
                } finally {
                    System.setOut(stdout);
                    System.setErr(stderr);
                }
                String all = out + "\n" + err + "\n" + system.toString(StandardCharsets.UTF_8);
                assertThat(code).isEqualTo(1);
                assertThat(all).as(head(all)).doesNotContain("hunter2", "pw-from-env");
                assertThat(err.toString()).startsWith("Error: cannot connect to PostgreSQL at jdbc:postgresql://")
                        .contains("127.0.0.1:1");
                if (!verbose) {
                    assertThat(err.toString().strip().lines().count()).as(err.toString()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void confMustBeOneJsonObject() {
        failsInOneLine(gale("dags", "trigger", "demo", "-r", "r1", "-c", "{\"a\":1} trailing"), 1, "conf is not valid JSON");
        failsInOneLine(gale("dags", "trigger", "demo", "-r", "r2", "-c", "{\"a\":1} {\"b\":2}"), 1, "conf is not valid JSON");
        failsInOneLine(gale("dags", "trigger", "demo", "-r", "r3", "-c", "[1, 2]"), 1, "conf must be a JSON object");
        failsInOneLine(gale("dags", "trigger", "demo", "-r", "r4", "-c", "\"text\""), 1, "conf must be a JSON object");
        Result huge = gale("dags", "trigger", "demo", "-r", "r5", "-c", "[" + "1,".repeat(500_000) + "1]");
        failsInOneLine(huge, 1, "conf must be a JSON object such as '{\"key\": \"value\"}', got an array: [1,1,1,");
        Result garbage = gale("dags", "trigger", "demo", "-r", "r6", "-c", "{\"a\": " + "y".repeat(1 << 20) + "}");
        failsInOneLine(garbage, 1, "conf is not valid JSON");
        assertThat(gale("dags", "list-runs", "-d", "demo").out()).doesNotContain("r1", "r2", "r3", "r4", "r5", "r6");
    }

    @Test
    void aConfOfOneMegabyteComesFromAFile() throws Exception {
        Path file = bigConf();
        Result viaOption = gale("dags", "trigger", "demo", "-r", "from_option", "--conf-file", file.toString());
        assertThat(viaOption.code()).as(head(viaOption.err())).isZero();
        Result viaAt = gale("dags", "trigger", "demo", "-r", "from_at", "-c", "@" + file);
        assertThat(viaAt.code()).as(head(viaAt.err())).isZero();
        for (String run : List.of("from_option", "from_at")) {
            Map<String, Object> conf = confOf("demo", run);
            assertThat(conf.get("name")).isEqualTo("big");
            assertThat((String) conf.get("blob")).hasSize(1 << 20);
        }
        Result backfill = gale("dags", "backfill", "daily", "-s", "2026-01-01", "-e", "2026-01-01", "--conf-file", file.toString(),
                "--no-wait");
        assertThat(backfill.code()).as(backfill.err()).isZero();
        assertThat(confOf("daily", "backfill__2026-01-01T00:00:00+00:00")).containsEntry("name", "big");

        Path small = home.resolve("small.json");
        Files.writeString(small, "{\"name\": \"file\"}");
        Result test = gale("dags", "test", "demo", "2026-03-01", "--conf-file", small.toString());
        assertThat(test.code()).as(test.err()).isZero();
        Result task = gale("tasks", "test", "demo", "a", "2026-03-02", "-c", "@" + small);
        assertThat(task.out()).contains("XCom return_value = \"hello file\"");
        Result inline = gale("tasks", "test", "demo", "a", "2026-03-02", "-c", "{\"name\": \"inline\"}");
        assertThat(inline.out()).contains("XCom return_value = \"hello inline\"");

        failsInOneLine(gale("dags", "trigger", "demo", "-c", "@" + home.resolve("missing.json")), 1,
                "conf file '" + home.resolve("missing.json") + "' does not exist");
        failsInOneLine(gale("dags", "trigger", "demo", "-c", "{}", "--conf-file", small.toString()), 1,
                "give the conf once: -c or --conf-file, not both");
    }

    @Test
    void argumentFilesAreNotExpandedAndUsageErrorsStayShort() throws Exception {
        Path file = bigConf();
        Result atFile = gale("dags", "trigger", "demo", "@" + file);
        failsInOneLine(atFile, 2, "Unmatched argument");
        assertThat(atFile.err()).contains("Run 'gale dags trigger --help' for its usage.");
        Result bigArgument = gale("dags", "trigger", "demo", Files.readString(file));
        failsInOneLine(bigArgument, 2, "Unmatched argument");
        assertThat(bigArgument.err()).contains("\u2026");
        Result multiline = gale("dags", "trigger", "demo", "--no-such-option=" + "line\n".repeat(100_000));
        failsInOneLine(multiline, 2, "Unknown option");
        assertThat(multiline.err().lines().count()).isLessThanOrEqualTo(3);
        Result badDate = gale("dags", "trigger", "demo", "-e", "z".repeat(1 << 20));
        failsInOneLine(badDate, 1, "is not a date");
    }

    @Test
    void durationsTakeSecondsUnitsOrIso() {
        for (String timeout : List.of("5", "1h30m")) {
            Result r = gale("dags", "test", "demo", "2026-03-01", "--timeout", timeout);
            assertThat(r.code()).as(timeout + ": " + r.err()).isZero();
        }
        Result bad = gale("dags", "test", "demo", "--timeout", "five");
        failsInOneLine(bad, 2, "Invalid value for option '--timeout': 'five' is not a duration: use 5 (seconds), 5s, 2m, 1h, 1h30m, 1d or ISO-8601 such as PT5S");
    }

    @Test
    void runIdsFollowAirflowsRules() {
        failsInOneLine(gale("dags", "trigger", "demo", "-r", "../../etc/passwd"), 1,
                "run id '../../etc/passwd' has characters run ids cannot have");
        failsInOneLine(gale("dags", "trigger", "demo", "-r", ".."), 1, "run id '..' is not allowed");
        failsInOneLine(gale("dags", "trigger", "demo", "-r", "r".repeat(251)), 1, "use at most 250");
        assertThat(gale("dags", "trigger", "demo", "-r", "a:b").code()).isZero();
        assertThat(gale("dags", "trigger", "demo", "-r", "a_b", "-e", "2026-02-01").code()).isZero();
        assertThat(gale("dags", "list-runs", "-d", "demo").out()).contains("a:b", "a_b").doesNotContain("passwd");
    }
}
