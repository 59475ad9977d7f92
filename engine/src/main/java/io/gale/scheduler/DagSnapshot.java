package io.gale.scheduler;

import io.gale.core.SerializedDag;
import io.gale.store.Store;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DAGs the scheduler plans with: an immutable map of the serialized DAGs, swapped at once
 * when the DAG processor has recorded a change. Reading it never waits for a DAG file to load.
 */
public final class DagSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(DagSnapshot.class);

    private volatile Map<String, SchedulableDag> dags = Map.of();
    private volatile long version = Long.MIN_VALUE;

    /** The DAG with this id, if it is active. */
    public Optional<SchedulableDag> get(String dagId) {
        return Optional.ofNullable(dags.get(dagId));
    }

    /** All active DAGs, by id. */
    public Collection<SchedulableDag> all() {
        return dags.values();
    }

    /** Reads the serialized DAGs again if the processor recorded a change since; returns true if it did. */
    public boolean refresh(Store store) {
        long v = store.serializedDags().version();
        if (v == version) {
            return false;
        }
        Map<String, SchedulableDag> next = new TreeMap<>();
        for (SerializedDag d : store.serializedDags().active()) {
            try {
                next.put(d.dagId(), SchedulableDag.of(d));
            } catch (RuntimeException e) {
                LOG.error("DAG '{}' cannot be scheduled: {}", d.dagId(), e.getMessage());
            }
        }
        dags = java.util.Collections.unmodifiableMap(next);
        version = v;
        return true;
    }
}
