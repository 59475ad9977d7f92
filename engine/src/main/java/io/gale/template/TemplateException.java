package io.gale.template;

import io.gale.core.GaleException;

/**
 * A template that cannot be rendered: malformed, or naming something undefined. The message is
 * one line naming the field, e.g. {@code template error in bash_command: 'params.cty' is undefined}.
 */
public final class TemplateException extends GaleException {

    public TemplateException(String field, String problem) {
        super("template error in " + field + ": " + problem);
    }
}
