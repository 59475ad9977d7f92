package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.TaskContext;
import io.gale.api.TaskDefaults;
import io.gale.operators.BashOperator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A daily pipeline in Europe/London (a zone with DST): {@code extract} copies a bundled text
 * into the run's working directory; three tasks analyse it in parallel (one of them fails on its
 * first try and succeeds on the retry); {@code summarise} gathers their XComs; {@code report}
 * prints the summary with a shell command.
 */
public final class ExamplePipeline implements DagDefinition {

    @Override
    public Dag define() {
        var dag = Dag.builder("example_pipeline")
                .description("Summarise a weather log: fan-out, fan-in, XCom and a retry")
                .tags("example")
                .schedule("@daily")
                .startDate(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/London")))
                .catchup(false)
                .defaults(TaskDefaults.of().retries(1).retryDelay(Duration.ofSeconds(1)));

        var extract = dag.task("extract", ExamplePipeline::extract);
        var countWords = dag.task("count_words", ctx -> words(read(ctx)).size());
        var topWords = dag.task("top_words", ctx -> top(words(read(ctx)), 3));
        var rainyDays = dag.task("rainy_days", ExamplePipeline::rainyDays);
        var summarise = dag.task("summarise", ExamplePipeline::summarise);
        var report = dag.task("report", new BashOperator("cat summary.txt && wc -l < summary.txt"));

        extract.then(countWords, topWords, rainyDays).then(summarise).then(report);
        return dag.build();
    }

    private static String extract(TaskContext ctx) throws IOException {
        Path file = ctx.workDir().resolve("weather_log.txt");
        try (InputStream in = ExamplePipeline.class.getResourceAsStream("weather_log.txt")) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ctx.log().info("Copied the weather log to {}", file);
        return file.toString();
    }

    /** Fails its first try, as a flaky source would, and succeeds on the retry. */
    private static List<String> rainyDays(TaskContext ctx) throws IOException {
        if (ctx.tryNumber() == 1) {
            throw new IOException("the weather service timed out (this task always fails its first try)");
        }
        return read(ctx).lines().filter(l -> l.contains("rain")).map(l -> l.substring(0, l.indexOf(':'))).toList();
    }

    private static Map<String, Object> summarise(TaskContext ctx) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("words", ctx.xcomPull("count_words", Integer.class));
        summary.put("top_words", ctx.xcomPull("top_words", Map.class));
        summary.put("rainy_days", ctx.xcomPull("rainy_days", List.class));
        summary.put("for_day", ctx.dataIntervalStartLocal().toLocalDate().toString());
        Path out = ctx.workDir().getParent().resolve("report").resolve("summary.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, summary.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        return summary;
    }

    private static String read(TaskContext ctx) throws IOException {
        return Files.readString(Path.of(ctx.xcomPull("extract", String.class)), StandardCharsets.UTF_8);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.toLowerCase().split("[^a-z]+")).filter(w -> w.length() > 3).toList();
    }

    private static Map<String, Long> top(List<String> words, int n) {
        return words.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
                .limit(n)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }
}
