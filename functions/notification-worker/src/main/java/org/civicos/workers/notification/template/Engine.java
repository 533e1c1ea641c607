package org.civicos.workers.notification.template;

/** Which Go package's semantics to follow. */
public enum Engine {
    /** Go {@code text/template}: subject, text and SMS parts. */
    TEXT,
    /** Go {@code html/template}: the HTML part, with contextual auto-escaping. */
    HTML
}
