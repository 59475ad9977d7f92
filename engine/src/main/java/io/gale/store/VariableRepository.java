package io.gale.store;

import java.util.Map;
import java.util.Optional;

/** Key-value variables (Airflow's Variables). */
public interface VariableRepository {

    Optional<String> get(String key);

    void set(String key, String value);

    boolean delete(String key);

    Map<String, String> list();
}
