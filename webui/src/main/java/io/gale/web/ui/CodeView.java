package io.gale.web.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The source of a DAG file for the code view: read as text (never compiled or loaded), only for a
 * {@code .java} file inside the dags folder, at most {@value #MAX_BYTES} bytes.
 */
final class CodeView {

    static final int MAX_BYTES = 1_000_000;

    private CodeView() {
    }

    /** What the page shows: the source, or why there is none. */
    record Code(String source, String note) {
    }

    static Code of(String fileloc, Path dagsFolder) {
        if (fileloc == null || fileloc.startsWith("classpath:") || fileloc.startsWith("memory:")) {
            return new Code(null, "This DAG is compiled into Gale's class path (" + fileloc + "): there is no DAG file to show.");
        }
        if (!fileloc.endsWith(".java")) {
            return new Code(null, "This DAG comes from " + fileloc + ", a packaged file: only .java files are shown.");
        }
        try {
            Path folder = dagsFolder.toRealPath();
            Path file = Path.of(fileloc).toRealPath();
            if (!file.startsWith(folder)) {
                return new Code(null, "The DAG file " + fileloc + " is not inside the dags folder, so it is not shown.");
            }
            if (Files.size(file) > MAX_BYTES) {
                return new Code(null, "The DAG file " + fileloc + " is larger than 1 MB: open it in an editor.");
            }
            return new Code(Files.readString(file, StandardCharsets.UTF_8), null);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return new Code(null, "The DAG file " + fileloc + " cannot be read now (moved or deleted since it was parsed?).");
        }
    }
}
