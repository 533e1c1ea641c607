package org.civicos.workers.notification;

/** A row of {@code metadata.notification_templates}: Go template sources. */
public record NotificationTemplate(String name, String subject, String html, String text, String sms) {
}
