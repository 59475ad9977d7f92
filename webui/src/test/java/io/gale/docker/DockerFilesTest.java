package io.gale.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.cli.Cli;
import io.gale.config.GaleConfig;
import io.gale.core.DagRunState;
import io.gale.core.TaskState;
import io.gale.metrics.Metrics;
import io.gale.webui.Gale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of {@code docker/} without a container engine: the compose file's services
 * run commands Gale's CLI accepts, with settings Gale reads and volumes where the image expects
 * them; the Dockerfile's shape; the Grafana dashboard's series exist. (CI also runs
 * {@code docker-compose config} on the compose file.)
 */
class DockerFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Set<String> GALE_SERVICES = Set.of("init", "dag-processor", "scheduler-1", "scheduler-2", "webserver",
            "worker-1", "worker-2", "model-server");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    /** Null when Gale's CLI (with this application's commands) accepts {@code args}, else why not. */
    private static String refused(List<String> args) {
        Cli cli = new Cli(GaleConfig.from(Map.of()), cfg -> {
            throw new AssertionError("parsing needs no engine");
        });
        for (Object c : Gale.commands()) {
            cli.addCommand(c);
        }
        try {
            cli.parse(args.toArray(String[]::new));
            return null;
        } catch (picocli.CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    /** Every source, script and document where a GALE_ setting could be read or documented. */
    private static String everythingGaleReads() throws IOException {
        StringBuilder all = new StringBuilder(Files.readString(ROOT.resolve("README.md")));
        for (String dir : List.of("engine/src/main", "webui/src/main", "operators", "docker")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                for (Path f : files.filter(f -> f.toString().matches(".*(/src/main/.*\\.java|\\.sh|/docker/gale)$")).toList()) {
                    all.append(Files.readString(f));
                }
            }
        }
        return all.toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceRunsACommandGaleAcceptsWithSettingsItReads() throws IOException {
        Map<String, Map<String, Object>> services = services();
        assertThat(services.keySet()).containsAll(GALE_SERVICES).contains("postgres");
        assertThat(refused(List.of("webserver", "--prot", "8080"))).as("a misspelt option is refused").contains("--prot");
        boolean workersHere = refused(List.of("worker")) == null;
        String reads = everythingGaleReads();
        for (String name : GALE_SERVICES) {
            Map<String, Object> s = services.get(name);
            assertThat(s.get("image")).as(name).isEqualTo("gale:local");
            List<String> command = (List<String>) s.get("command");
            if (command.get(0).equals("worker") && !workersHere) {
                // `gale worker` comes with the remote workers' branch; until then, the command the README will give
                assertThat(command).as(name).containsExactly("worker", "--queues", "default", "--api-url", "http://webserver:8080");
            } else {
                assertThat(refused(command)).as("%s: gale %s", name, command).isNull();
            }
            Map<String, Object> env = (Map<String, Object>) s.get("environment");
            for (String key : env.keySet()) {
                if (key.startsWith("GALE_") && !key.startsWith("GALE_CONN_")) {
                    assertThat(reads).as("%s sets %s: nothing in Gale reads it", name, key).contains(key);
                }
            }
            if (command.get(0).equals("worker")) {
                assertThat(env.keySet()).as("%s holds no database credentials", name).noneMatch(k -> k.startsWith("GALE_DATABASE_"));
                assertThat(env).containsKey("GALE_WORKER_TOKEN");
            } else {
                assertThat(env).as(name).containsKeys("GALE_DATABASE_URL", "GALE_DATABASE_USER", "GALE_DATABASE_PASSWORD");
            }
            assertThat((List<String>) s.get("volumes")).as(name).contains("dags:/opt/gale/home/dags",
                    "logs:/opt/gale/home/logs", "artifacts:/opt/gale/home/artifacts");
        }
        assertThat(services.values().stream().filter(s -> ((List<String>) s.get("command")) != null
                && ((List<String>) s.get("command")).get(0).equals("scheduler")).count()).as("two schedulers").isEqualTo(2);
        assertThat(services.values().stream().filter(s -> ((List<String>) s.get("command")) != null
                && ((List<String>) s.get("command")).get(0).equals("worker")).count()).as("two workers").isEqualTo(2);
        assertThat(((Map<String, Object>) compose().get("volumes")).keySet()).contains("postgres", "dags", "logs", "artifacts");
        Map<String, Object> pg = services.get("postgres");
        assertThat((String) pg.get("image")).startsWith("postgres:");
        assertThat(pg).containsKey("healthcheck");
        assertThat((List<String>) pg.get("volumes")).contains("postgres:/var/lib/postgresql/data");
    }

    @Test
    void everyValueTheComposeFileNeedsIsInTheEnvExample() throws IOException {
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        Map<String, String> example = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOCKER.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        Set<String> needed = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)(:[?-][^}]*)?}").matcher(compose);
        while (m.find()) {
            needed.add(m.group(1));
        }
        assertThat(needed).contains("GALE_DATABASE_PASSWORD", "GALE_ADMIN_PASSWORD", "GALE_WORKER_TOKEN", "GALE_CONN_MODEL_SERVER_DEFAULT");
        assertThat(example.keySet()).containsAll(needed);
        for (String secret : List.of("GALE_DATABASE_PASSWORD", "GALE_ADMIN_PASSWORD", "GALE_WORKER_TOKEN", "GALE_CONN_MODEL_SERVER_DEFAULT")) {
            assertThat(example.get(secret)).as("%s is a placeholder to change", secret).contains("CHANGE-ME");
        }
        assertThat(Files.readString(DOCKER.resolve(".gitignore")).lines()).contains(".env");
    }

    @Test
    void theDockerfileBuildsWithMavenAndRunsOnAJdkAsANonRootUser() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile")).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).matches("FROM maven:\\S+-eclipse-temurin-17 AS build");
        assertThat(froms.get(1)).isEqualTo("FROM eclipse-temurin:17-jdk");
        assertThat(lines).anyMatch(l -> l.startsWith("RUN ") && l.contains("mvn -B") && l.contains("-DskipTests package"));
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(user).isNotIn("USER root", "USER 0");
        assertThat(lines).contains("VOLUME [\"/opt/gale/home\"]", "ENTRYPOINT [\"gale-entrypoint\"]");
        assertThat(lines).anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.endsWith("CMD [\"gale-healthcheck\"]"));
        assertThat(String.join("\n", lines)).contains("GALE_HOME=/opt/gale/home", "GALE_DAGS_FOLDER=/opt/gale/home/dags");
        for (String l : lines) {
            if (l.startsWith("COPY ") && !l.startsWith("COPY --from")) {
                String source = l.split("\\s+")[1];
                assertThat(ROOT.resolve(source)).as(l).exists();
            }
        }
    }

    @Test
    void everySeriesTheDashboardAndPrometheusUseExists() throws IOException {
        Metrics metrics = Metrics.prometheus();
        metrics.watchStates(() -> new Metrics.StateCounts(new EnumMap<>(DagRunState.class), new EnumMap<>(TaskState.class)), Duration.ZERO);
        metrics.taskEnded("d", "t", TaskState.SUCCESS, Duration.ofSeconds(1));
        metrics.increment("gale.webhook.deliveries", Map.of("conn_id", "c", "outcome", "delivered"));
        String scrape = metrics.scrape();
        JsonNode dashboard = new ObjectMapper().readTree(DOCKER.resolve("grafana-dashboard.json").toFile());
        Set<String> series = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = Pattern.compile("\\b((?:gale|jvm)_[a-z_]+)").matcher(target.get("expr").asText());
                while (m.find()) {
                    series.add(m.group(1));
                }
            }
        }
        assertThat(series).hasSizeGreaterThan(10);
        for (String s : series) {
            assertThat(scrape).as("the dashboard's %s", s).containsPattern("(?m)^" + Pattern.quote(s) + "[{ ]");
        }
        String prometheus = Files.readString(DOCKER.resolve("prometheus.yml"));
        Matcher target = Pattern.compile("\"([a-z0-9-]+):(\\d+)\"").matcher(prometheus);
        Map<String, Map<String, Object>> services = services();
        int targets = 0;
        while (target.find()) {
            targets++;
            assertThat(services).as("a scrape target").containsKey(target.group(1));
        }
        assertThat(targets).isEqualTo(7);
    }
}
