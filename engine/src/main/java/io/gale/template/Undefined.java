package io.gale.template;

import io.pebbletemplates.pebble.error.AttributeNotFoundException;

/**
 * A name a template used that is not defined, with its whole path ({@code params.cty}). It is a
 * Pebble {@link AttributeNotFoundException} so that {@code default(...)} and {@code is defined}
 * still work on it.
 */
final class Undefined extends AttributeNotFoundException {

    private final String path;

    Undefined(String path, int lineNumber, String filename) {
        super(null, "'" + path + "' is undefined", path, lineNumber, filename);
        this.path = path;
    }

    String path() {
        return path;
    }
}
