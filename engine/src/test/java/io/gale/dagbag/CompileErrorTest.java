package io.gale.dagbag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DAG file that does not compile: the import error keeps javac's whole diagnostics. */
class CompileErrorTest {

    @TempDir
    Path home;

    private String importError(String fileName, String source) throws Exception {
        Path dags = Files.createDirectories(home.resolve("dags"));
        Files.writeString(dags.resolve(fileName), source);
        DagBag bag = DagBag.load(dags, home.resolve("cache"));
        return bag.importErrors().entrySet().stream().filter(e -> e.getKey().endsWith(fileName))
                .map(java.util.Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no import error: " + bag.importErrors()));
    }

    @Test
    void keepsEveryLineOfJavacsDiagnostic() throws Exception {
        String error = importError("FaultDag.java", """
                import io.gale.api.*;

                public class FaultDag implements DagDefinition {
                    public Dag define() {
                        var dag = Dag.builder("fault");
                        TaskBuilder b = null;
                        return dag.build();
                    }
                }
                """);
        assertThat(error).startsWith("compilation failed: FaultDag.java:6: error: cannot find symbol\n");
        assertThat(error).contains(
                "\n        TaskBuilder b = null;\n        ^\n",
                "symbol:   class TaskBuilder",
                "location: class FaultDag");
    }

    @Test
    void quotesAtMostTwentyDiagnostics() throws Exception {
        String body = IntStream.range(0, 25).mapToObj(i -> "        Missing" + i + " m" + i + " = null;")
                .collect(Collectors.joining("\n"));
        String error = importError("Many.java", """
                import io.gale.api.*;

                public class Many implements DagDefinition {
                    public Dag define() {
                %s
                        return Dag.builder("many").build();
                    }
                }
                """.formatted(body));
        assertThat(error).contains("symbol:   class Missing0", "symbol:   class Missing19")
                .doesNotContain("class Missing20").endsWith("... and 5 more errors");
        assertThat(error.split("Many.java:", -1)).hasSize(21);
    }
}
