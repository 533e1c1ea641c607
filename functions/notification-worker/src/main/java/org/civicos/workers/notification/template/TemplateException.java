package org.civicos.workers.notification.template;

/** Base class of the renderer's unchecked errors; {@link #getMessage()} is Go's {@code err.Error()} text. */
public abstract sealed class TemplateException extends RuntimeException
        permits TemplateParseException, TemplateExecutionException {
    private static final long serialVersionUID = 1L;

    TemplateException(String message) {
        super(message, null, false, false);
    }
}
