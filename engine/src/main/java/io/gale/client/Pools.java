package io.gale.client;

import io.gale.api.Task;
import io.gale.core.BadRequestException;
import io.gale.core.ConflictException;
import io.gale.core.NotFoundException;
import io.gale.core.TaskState;
import io.gale.store.PoolRepository.Pool;
import io.gale.store.Store;
import java.util.List;
import java.util.Map;

/** Pools (Airflow's {@code pools list|set|delete}): named slot counts that cap concurrent tries across all workers. */
public final class Pools {

    /** A pool with what its tries take now: slots queued, running, and still open (never below 0). */
    public record Status(String name, int slots, String description, int queued, int running, int open) {
    }

    private final Store store;

    Pools(Store store) {
        this.store = store;
    }

    /** Every pool, by name. */
    public List<Status> list() {
        Map<String, Map<TaskState, Integer>> usage = store.taskInstances().poolUsage();
        return store.pools().list().stream().map(p -> status(p, usage)).toList();
    }

    public Status get(String name) {
        Pool p = store.pools().find(name).orElseThrow(() -> notFound(name));
        return status(p, store.taskInstances().poolUsage());
    }

    /** Creates the pool or changes it; a null description keeps the current one. */
    public Status set(String name, int slots, String description) {
        check(name, slots);
        String text = description != null ? description : store.pools().find(name).map(Pool::description).orElse("");
        store.pools().put(new Pool(name, slots, text));
        store.notifyChange(); // the DAG processor loads DAGs that waited for this pool
        return get(name);
    }

    /** Creates a pool; 409 when it exists. */
    public Status create(String name, int slots, String description) {
        check(name, slots);
        if (store.pools().find(name).isPresent()) {
            throw new ConflictException("pool '" + name + "' exists already: change it with 'gale pools set' or PATCH");
        }
        return set(name, slots, description == null ? "" : description);
    }

    /** Deletes a pool; {@code default_pool} cannot be deleted. */
    public void delete(String name) {
        if (Task.DEFAULT_POOL.equals(name)) {
            throw new BadRequestException("default_pool cannot be deleted: tasks that name no pool use it (change its slots instead)");
        }
        if (!store.pools().delete(name)) {
            throw notFound(name);
        }
    }

    private static void check(String name, int slots) {
        if (name == null || name.isBlank() || !name.strip().equals(name) || name.length() > 256) {
            throw new BadRequestException("a pool name must be 1 to 256 characters without surrounding spaces, got '" + name + "'");
        }
        if (slots < 0) {
            throw new BadRequestException("pool '" + name + "': slots must be 0 or more, got " + slots);
        }
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("pool '" + name + "' not found: 'gale pools list' shows the pools");
    }

    private static Status status(Pool p, Map<String, Map<TaskState, Integer>> usage) {
        Map<TaskState, Integer> used = usage.getOrDefault(p.name(), Map.of());
        int queued = used.getOrDefault(TaskState.QUEUED, 0);
        int running = used.getOrDefault(TaskState.RUNNING, 0);
        return new Status(p.name(), p.slots(), p.description(), queued, running, Math.max(0, p.slots() - queued - running));
    }
}
