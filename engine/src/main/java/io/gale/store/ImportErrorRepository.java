package io.gale.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Files of the dags folder that failed to load, with why. */
public interface ImportErrorRepository {

    record ImportError(String filename, String message, Instant timestamp) {
    }

    /** Replaces all import errors with these (file to message). */
    void replaceAll(Map<String, String> errors);

    List<ImportError> list();
}
