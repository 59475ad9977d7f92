package io.gale.template;

import io.gale.core.GaleException;

/**
 * A template that cannot be rendered: malformed, or naming something undefined. The message is
 * one line naming the field, e.g. {@code template error in bash_command: 'params.cty' is undefined},
 * and it carries no stack trace, so a failed try logs it as one line.
 */
public final class TemplateException extends GaleException {

    public TemplateException(String field, String problem) {
        super("template error in " + field + ": " + problem);
    }

    /** No stack trace: where Gale rendered the template tells a DAG author nothing, the message says it all. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
