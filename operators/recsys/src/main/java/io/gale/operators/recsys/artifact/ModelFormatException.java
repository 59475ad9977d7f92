package io.gale.operators.recsys.artifact;

import java.nio.file.Path;

/** A model file or its sidecar is missing, truncated or does not match the expected tensors. */
public class ModelFormatException extends IllegalArgumentException {
    public ModelFormatException(Path file, String message) {
        super(file + ": " + message);
    }

    public ModelFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
