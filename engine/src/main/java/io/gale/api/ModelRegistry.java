package io.gale.api;

import java.util.List;
import java.util.Optional;

/**
 * Trained models by name, each with numbered versions and at most one current version: what a
 * serving layer loads. Reached from a task through {@link TaskContext#models()}.
 */
public interface ModelRegistry {

    /**
     * Records a new version of {@code v.name()}: the next version number (1 for a new name), and
     * current if no version is current or its score is at least the current one's (a tie goes to
     * the newer model). Atomic: concurrent registrations of one name are serialised.
     */
    ModelVersion register(NewModelVersion v);

    /** The current version of a model, if any version was registered. */
    Optional<ModelVersion> current(String name);

    /** Every version of a model, newest first. */
    List<ModelVersion> versions(String name);
}
