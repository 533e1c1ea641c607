package org.civicos.workers.notification;

import java.util.Optional;

/** One message: a single recipient, a subject, a text and an HTML body (the text part first, as Civic OS sends). */
public record Email(String from, String to, Optional<String> replyTo, String subject, String text, String html,
    Optional<String> configurationSet) {
}
