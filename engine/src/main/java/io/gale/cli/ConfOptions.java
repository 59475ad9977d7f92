package io.gale.cli;

import io.gale.core.BadRequestException;
import io.gale.core.Json;
import io.gale.core.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The run conf of a command: {@code -c JSON} inline, {@code -c @PATH} or {@code --conf-file PATH}
 * from a file (picocli's own {@code @file} expansion is off).
 */
final class ConfOptions {

    @Option(names = {"-c", "--conf"}, paramLabel = "JSON|@PATH",
            description = "JSON object merged over the DAG's params; @PATH reads it from a file")
    String conf;

    @Option(names = "--conf-file", paramLabel = "PATH", description = "read the conf JSON object from this file")
    Path confFile;

    /** The conf given, or an empty map. */
    Map<String, Object> conf() {
        if (conf != null && confFile != null) {
            throw new BadRequestException("give the conf once: -c or --conf-file, not both");
        }
        if (confFile != null) {
            return Json.conf(read(confFile));
        }
        if (conf != null && conf.startsWith("@")) {
            return Json.conf(read(Path.of(conf.substring(1))));
        }
        return Json.conf(conf);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadRequestException("conf file '" + Text.abbreviate(file.toString(), 200) + "' does not exist");
        } catch (IOException e) {
            throw new BadRequestException("cannot read conf file '" + Text.abbreviate(file.toString(), 200) + "': "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + Text.abbreviate(e.getMessage(), 120)));
        }
    }
}
