package org.civicos.workers.notification.template;

/**
 * An execution error: {@code template: <name>:<line>:<col>: executing "<name>" at <<node>>: <detail>}, an
 * html/template escaper error ({@code html/template:<name>...}), or a {@link Limits} violation.
 */
public final class TemplateExecutionException extends TemplateException {
    private static final long serialVersionUID = 1L;

    public TemplateExecutionException(String message) {
        super(message);
    }
}
