package io.gale.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GALE_LOG_FORMAT=json}: every line of a real process's log is one JSON object, with the MDC's ids as fields. */
class JsonLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private record Child(int exit, String out, List<String> err) {
    }

    private static Child run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), JsonLogChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("GALE_LOG_FORMAT");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child exits").isTrue();
        return new Child(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip(),
                new String(err, StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void everyLineOfAJsonProcessLogIsAnObjectCarryingTheIds() throws Exception {
        Child c = run(Map.of("GALE_LOG_FORMAT", "json"));
        assertThat(c.exit()).isZero();
        assertThat(c.out()).isEqualTo(JsonLoggerFactory.class.getName());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : c.err()) {
            lines.add(JSON.readTree(line)); // throws on a line that is not JSON
            assertThat(lines.get(lines.size() - 1).isObject()).as(line).isTrue();
        }
        assertThat(lines).extracting(n -> n.get("message").asText())
                .containsExactly("no ids yet", "Task load said \"two\nlines\"", "it failed", "from another thread");
        assertThat(lines.get(0).has("dag_id")).isFalse();
        JsonNode warn = lines.get(1);
        assertThat(warn.get("level").asText()).isEqualTo("WARN");
        assertThat(warn.get("logger").asText()).isEqualTo("io.gale.scheduler.Scheduler");
        assertThat(warn.get("thread").asText()).isEqualTo("main");
        assertThat(warn.get("dag_id").asText()).isEqualTo("etl");
        assertThat(warn.get("run_id").asText()).isEqualTo("manual__2026-01-01T00:00:00+00:00");
        assertThat(warn.get("task_id").asText()).isEqualTo("load");
        assertThat(warn.get("try_number").asText()).isEqualTo("2");
        assertThat(java.time.Instant.parse(warn.get("timestamp").asText())).isNotNull();
        assertThat(lines.get(2).get("error").asText()).startsWith("java.lang.IllegalStateException: boom").contains("at io.gale.logging.JsonLogChild.main");
        assertThat(lines.get(3).has("dag_id")).as("the MDC is per thread").isFalse();
    }

    @Test
    void withoutTheSettingTheLogStaysText() throws Exception {
        Child c = run(Map.of());
        assertThat(c.exit()).isZero();
        assertThat(c.out()).isNotEqualTo(JsonLoggerFactory.class.getName());
        assertThat(c.err()).anyMatch(l -> l.contains("INFO io.gale.scheduler.Scheduler - no ids yet"));
    }

    @Test
    void anUnknownFormatIsAOneLineConfigurationError() {
        assertThatThrownBy(() -> LogFormat.configure(Map.of("GALE_LOG_FORMAT", "xml")))
                .isInstanceOf(ConfigException.class).hasMessage("GALE_LOG_FORMAT must be text or json, got 'xml'");
    }

    @Test
    void aScheduledTryLogsWithItsIds() throws Exception {
        Child c = run(Map.of("GALE_LOG_FORMAT", "json"), "run", home.toString());
        assertThat(c.exit()).as(String.join("\n", c.err())).isZero();
        String runId = c.out().lines().reduce((a, b) -> b).orElseThrow();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : c.err()) {
            lines.add(JSON.readTree(line)); // throws on a line that is not JSON
        }
        JsonNode inside = lines.stream().filter(n -> n.get("message").asText().equals("inside the task")).findFirst().orElseThrow();
        assertThat(inside.get("dag_id").asText()).isEqualTo("mdc_ids");
        assertThat(inside.get("run_id").asText()).isEqualTo(runId);
        assertThat(inside.get("task_id").asText()).isEqualTo("look");
        assertThat(inside.get("try_number").asText()).isEqualTo("1");
        JsonNode ended = lines.stream().filter(n -> n.get("message").asText().matches("Task .* ended try 1: success"))
                .findFirst().orElseThrow(() -> new AssertionError("no 'ended try' line in " + c.err()));
        assertThat(ended.get("logger").asText()).isEqualTo("io.gale.scheduler.Scheduler");
        assertThat(ended.get("task_id").asText()).isEqualTo("look");
        assertThat(ended.get("run_id").asText()).isEqualTo(runId);
    }
}
