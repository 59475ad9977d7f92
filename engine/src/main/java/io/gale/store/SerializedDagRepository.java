package io.gale.store;

import io.gale.core.SerializedDag;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DAGs as the DAG processor serialized them, per bundle. The processor is the only writer; the
 * scheduler, the CLI and the REST API read.
 */
public interface SerializedDagRepository {

    /**
     * Records one processing pass of {@code bundle}: its DAGs (new ones paused when
     * {@code pausedAtCreation}; a new version stored when the content hash changed), its DAGs not
     * seen this time deactivated, and its import errors replaced (file to message). DAGs and
     * errors of other bundles are left alone. Returns the ids of DAGs that are new or changed.
     */
    List<String> syncBundle(String bundle, Collection<SerializedDag> dags, Map<String, String> importErrors,
                            boolean pausedAtCreation, Instant now);

    /** The current version of an active DAG. */
    Optional<SerializedDag> find(String dagId);

    /** The current versions of all active DAGs, by id. */
    List<SerializedDag> active();

    /** How many tasks the current version of each active DAG has, by DAG id (read without parsing the DAGs). */
    Map<String, Integer> taskCounts();

    /** When the bundle was last processed, if ever. */
    Optional<Instant> processedAt(String bundle);

    /** A number that changes whenever any bundle's DAGs or import errors change. */
    long version();
}
