package org.civicos.workers.notification;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseException;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kind {@code send_notification}: renders the notification's template against its entity data and sends the
 * email through the {@link Mailer}, then records {@code status}, {@code channels_sent}, {@code channels_failed}
 * and {@code error_message} as Civic OS's UI reads them.
 *
 * <ul>
 *   <li>A notification already {@code sent} is never sent again (a retry after a lost outcome).
 *   <li>The recipient comes from {@code notification_preferences}, falling back to
 *       {@code civic_os_users_private.email} (the Go worker queried a column that does not exist).
 *   <li>Transient mail errors retry without touching the row; the row is marked failed only when no attempt is
 *       left. Permanent ones (rendering, rejected or invalid address, unverified identity) fail the row and cancel
 *       the job.
 *   <li>Every requested channel disabled is recorded as such ({@code error_message} says so, nothing in
 *       {@code channels_failed}), and the job completes: an opt-out is not a failure.
 *   <li>SMS is recorded as unsupported in {@code channels_failed} without failing the email.
 * </ul>
 */
public final class SendNotificationWorker implements JobWorker<JsonNode> {
  private static final Logger LOG = LoggerFactory.getLogger(SendNotificationWorker.class);
  static final String SMS_UNSUPPORTED = "sms: not supported by civic-workers";
  /** How long recording an accepted email is retried on lost connections (well inside the 30 s job timeout). */
  static final Duration RECORD_SENT_PATIENCE = Duration.ofSeconds(60);

  private final NotificationSettings settings;
  private final NotificationRenderer renderer;
  private final Mailer mailer;
  private final NotificationRepository notifications = new NotificationRepository();

  public SendNotificationWorker(NotificationSettings settings, NotificationRenderer renderer, Mailer mailer) {
    this.settings = settings;
    this.renderer = renderer;
    this.mailer = mailer;
  }

  @Override
  public String kind() {
    return "send_notification";
  }

  @Override
  public Class<JsonNode> argsType() {
    return JsonNode.class;
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(30);
  }

  @Override
  public JobOutcome execute(JobContext context, JsonNode args) {
    Database db = context.database();
    Optional<Long> id = longText(args, "notification_id");
    if (id.isEmpty()) {
      return JobOutcome.cancelled("invalid args: notification_id must be a number in a string");
    }
    Optional<String> status = notifications.status(db, id.get());
    if (status.isEmpty()) {
      return JobOutcome.cancelled("no notifications row with id " + id.get());
    }
    if (status.get().equals("sent")) {
      return JobOutcome.completed();
    }
    Optional<UUID> userId = uuid(args, "user_id");
    if (userId.isEmpty()) {
      return fail(db, id.get(), List.of(), "invalid args: user_id must be a UUID");
    }
    String templateName = text(args, "template_name");
    Optional<NotificationTemplate> template = notifications.template(db, templateName);
    if (template.isEmpty()) {
      return fail(db, id.get(), List.of(), "Template error: no notification template named '" + templateName + "'");
    }
    NotificationRenderer.Rendered rendered;
    try {
      rendered = renderer.render(template.get(), args.get("entity_data"));
    } catch (NotificationRenderer.RenderException e) {
      return fail(db, id.get(), List.of(), "Rendering error: " + e.getMessage());
    }

    Set<String> channels = channels(args);
    List<String> sent = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<String> disabled = new ArrayList<>();
    for (String channel : channels) {
      switch (channel) {
        case "email" -> {
          NotificationRepository.Recipient recipient = notifications.emailRecipient(db, userId.get());
          if (!recipient.enabled()) {
            disabled.add("email");
            continue;
          }
          if (recipient.address().isEmpty() || !EmailAddress.valid(recipient.address().get())) {
            failed.add("email");
            errors.add(recipient.address().isEmpty() ? "email: the user has no email address"
                : "email: invalid recipient address");
            continue;
          }
          try {
            String messageId = mailer.send(new Email(settings.from(), recipient.address().get(), settings.replyTo(),
                subjectLine(rendered.subject()), rendered.text(), rendered.html(), settings.configurationSet()));
            sent.add("email");
            LOG.atInfo().addKeyValue("message_id", messageId).addKeyValue("notification_id", id.get())
                .log("email sent for notification {}", id.get());
          } catch (Mailer.MailException e) {
            if (!e.permanent()) {
              return retry(context, db, id.get(), sent, "email: " + e.getMessage());
            }
            failed.add("email");
            errors.add("email: " + e.getMessage());
          }
        }
        case "sms" -> {
          failed.add("sms");
          errors.add(SMS_UNSUPPORTED);
        }
        default -> {
          failed.add(channel);
          errors.add(channel + ": unknown channel");
        }
      }
    }
    if (!sent.isEmpty()) {
      recordSent(db, id.get(), sent, failed, errors.isEmpty() ? null : String.join("; ", errors));
      return JobOutcome.completed();
    }
    if (failed.isEmpty()) {
      notifications.markFailed(db, id.get(), List.of(), null,
          "not sent: every requested channel is disabled by the recipient (" + String.join(", ", disabled) + ")");
      return JobOutcome.completed();
    }
    notifications.markFailed(db, id.get(), List.of(), failed, "All channels failed: " + String.join("; ", errors));
    return JobOutcome.cancelled("All channels failed: " + String.join("; ", errors));
  }

  /**
   * SES has accepted the email: a lost connection while recording that must not fail the job, or the retry would
   * send it again. Retried on fresh connections for up to {@link #RECORD_SENT_PATIENCE} (a backend killed, a
   * proxy or server restart or failover), and deliberately past the job's timeout: the interrupt is set aside
   * until the row is written, and the drain loop holds the retry of a job still running after its timeout, so no
   * retry can send beside this. Only a database unreachable for longer, or the process dying in between, leaves
   * the at-least-once window in which a retry sends a second copy.
   */
  private void recordSent(Database db, long id, List<String> sent, List<String> failed, String error) {
    long giveUp = System.nanoTime() + RECORD_SENT_PATIENCE.toNanos();
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          notifications.markSent(db, id, sent, failed, error);
          return;
        } catch (DatabaseException e) {
          if (!e.isConnectionFailure() || System.nanoTime() > giveUp) {
            throw e;
          }
          LOG.atWarn().addKeyValue("notification_id", id)
              .log("email for notification {} was sent but recording it failed (attempt {}): {}; retrying", id,
                  attempt, e.getMessage());
          interrupted |= sleepThroughInterrupts(Duration.ofMillis(Math.min(1_000L, 100L * attempt)));
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Sleeps the whole time even if interrupted; returns whether it was. */
  private static boolean sleepThroughInterrupts(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    boolean interrupted = false;
    for (long left; (left = end - System.nanoTime()) > 0; ) {
      try {
        Thread.sleep(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  /** A header line: CR, LF and other control characters become spaces, so a value cannot add headers. */
  static String subjectLine(String subject) {
    String line = subject.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").trim();
    return line.length() > 998 ? line.substring(0, 998) : line;
  }

  private JobOutcome fail(Database db, long id, List<String> failedChannels, String message) {
    notifications.markFailed(db, id, List.of(), failedChannels, message);
    return JobOutcome.cancelled(message);
  }

  private JobOutcome retry(JobContext context, Database db, long id, List<String> sent, String message) {
    if (context.job().attempt() >= context.job().maxAttempts()) {
      notifications.markFailed(db, id, sent, List.of("email"), "All channels failed: " + message);
    }
    return JobOutcome.failed(message);
  }

  /** The requested channels in order, each once (the Go worker sent twice for {email,email}). */
  static Set<String> channels(JsonNode args) {
    Set<String> channels = new LinkedHashSet<>();
    JsonNode node = args.get("channels");
    if (node != null && node.isArray()) {
      node.forEach(c -> channels.add(c.asText()));
    }
    if (channels.isEmpty()) {
      channels.add("email");
    }
    return channels;
  }

  private static String text(JsonNode args, String field) {
    JsonNode node = args == null ? null : args.get(field);
    return node == null || node.isNull() || node.isContainerNode() ? "" : node.asText();
  }

  private static Optional<Long> longText(JsonNode args, String field) {
    try {
      return Optional.of(Long.parseLong(text(args, field)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<UUID> uuid(JsonNode args, String field) {
    try {
      return Optional.of(UUID.fromString(text(args, field)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
