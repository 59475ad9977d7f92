package io.gale;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the authoring API free of Gale's internals, and jOOQ inside the store. */
class ArchitectureTest {

    private static final Path SRC = Path.of("src/main/java/io/gale");

    private static List<String> offending(String pkg, Pattern forbidden) throws IOException {
        try (Stream<Path> files = Files.walk(SRC.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream().anyMatch(l -> forbidden.matcher(l).find());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).map(Path::toString).toList();
        }
    }

    @Test
    void apiImportsNoOtherGalePackage() throws IOException {
        assertThat(offending("api", Pattern.compile("^import (static )?io\\.gale\\.(?!api\\.)"))).isEmpty();
    }

    @Test
    void jooqStaysInsideTheStore() throws IOException {
        for (String pkg : List.of("api", "core", "executor", "scheduler", "client", "cli", "dagbag", "schedule")) {
            assertThat(offending(pkg, Pattern.compile("^import (static )?org\\.jooq"))).as(pkg).isEmpty();
        }
    }

    @Test
    void theExecutorDoesNotWriteTheDatabase() throws IOException {
        assertThat(offending("executor", Pattern.compile("\\.(put|create|set|mark|finish|delete|clear)\\w*\\(.*store|store\\.\\w+\\(\\)\\.(put|create|set\\w*|mark\\w*|finish\\w*|delete\\w*|clear)\\(")))
                .isEmpty();
    }
}
