package io.gale.api;

import java.util.List;
import java.util.Optional;

/**
 * Trained models by name, each with numbered versions in stages: at most one production version
 * (what a model server loads), archived ones that were production before, and the rest. Reached
 * from a task through {@link TaskContext#models()}; changes of stage are atomic.
 */
public interface ModelRegistry {

    /** A registered version, whether it became production, and why in one line. */
    record Registration(ModelVersion version, boolean promoted, String reason) {
    }

    /**
     * Records a new version of {@code v.name()} (the next version number, 1 for a new name) and
     * promotes it when {@code policy} says so, archiving the previous production version in the same
     * transaction. Concurrent registrations of one name are serialised.
     */
    Registration register(NewModelVersion v, PromotionPolicy policy);

    /** {@link #register(NewModelVersion, PromotionPolicy)} with {@link PromotionPolicy#bestScore()}. */
    default ModelVersion register(NewModelVersion v) {
        return register(v, PromotionPolicy.bestScore()).version();
    }

    /** The production version of a model, if any. */
    Optional<ModelVersion> production(String name);

    /** Same as {@link #production(String)}. */
    default Optional<ModelVersion> current(String name) {
        return production(name);
    }

    /** One version, if it exists. */
    Optional<ModelVersion> version(String name, int version);

    /** Every version of a model, newest first. */
    List<ModelVersion> versions(String name);

    /** The names of all registered models, sorted. */
    List<String> names();

    /**
     * Makes {@code version} production and archives the previous production version.
     *
     * @throws ModelNotFoundException when the model or version does not exist
     */
    ModelVersion promote(String name, int version);

    /**
     * Takes the production version out (archived, marked rolled back) and makes the version that was
     * production before it production again. Returns the restored version.
     *
     * @throws ModelNotFoundException  when the model does not exist
     * @throws ModelRegistryException when there is no production version or none before it
     */
    ModelVersion rollback(String name);

    /**
     * Deletes a version that is not in production.
     *
     * @throws ModelNotFoundException  when the model or version does not exist
     * @throws ModelRegistryException when it is the production version
     */
    void delete(String name, int version);
}
