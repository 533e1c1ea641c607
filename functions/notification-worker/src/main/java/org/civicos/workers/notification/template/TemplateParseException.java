package org.civicos.workers.notification.template;

/** A syntax error: {@code template: <name>:<line>: <detail>}. */
public final class TemplateParseException extends TemplateException {
    private static final long serialVersionUID = 1L;

    public TemplateParseException(String message) {
        super(message);
    }
}
