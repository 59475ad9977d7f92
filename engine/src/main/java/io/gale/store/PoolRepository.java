package io.gale.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pools (Airflow's slot pools): named slot counts that cap the tries running at once across all schedulers and workers. */
public interface PoolRepository {

    /** A pool: its name, how many slots it has, and what it is for. */
    record Pool(String name, int slots, String description) {
    }

    /** Every pool, by name. */
    List<Pool> list();

    Optional<Pool> find(String name);

    /** Creates the pool or changes its slots and description. */
    void put(Pool pool);

    /** Deletes the pool; false when there was none. */
    boolean delete(String name);

    /** The slots of every pool, by name. */
    Map<String, Integer> slots();

    /**
     * Locks the named pools' rows until the transaction ends (in name order, so schedulers never
     * deadlock) and returns their slots: two schedulers never fill the same pool at once.
     */
    Map<String, Integer> lock(Collection<String> names);
}
