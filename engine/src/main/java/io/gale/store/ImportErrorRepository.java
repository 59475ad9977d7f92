package io.gale.store;

import java.time.Instant;
import java.util.List;

/** Files that failed to load, with why (written by the DAG processor through {@link SerializedDagRepository}). */
public interface ImportErrorRepository {

    record ImportError(String filename, String message, Instant timestamp) {
    }

    List<ImportError> list();
}
