package org.civicos.workers.notification;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.db.Database;

/** {@code metadata.notifications} and what sending one reads: its template and the recipient's address. */
final class NotificationRepository {
  static final String STATUS = "SELECT status FROM metadata.notifications WHERE id = ?";
  static final String TEMPLATE = """
      SELECT name, subject_template, html_template, text_template, sms_template
      FROM metadata.notification_templates WHERE name = ?
      """;
  /** The preference row decides (an explicit opt-out wins); the private profile's address is the fallback. */
  static final String EMAIL_RECIPIENT = """
      SELECT p.enabled, coalesce(p.email_address, u.email) AS address, p.user_id IS NOT NULL AS has_preference
      FROM (SELECT ?::uuid AS user_id) AS target
      LEFT JOIN metadata.notification_preferences p ON p.user_id = target.user_id AND p.channel = 'email'
      LEFT JOIN metadata.civic_os_users_private u ON u.id = target.user_id
      """;
  static final String MARK_SENT = """
      UPDATE metadata.notifications
      SET status = 'sent', sent_at = now(), channels_sent = ?, channels_failed = ?, error_message = ?
      WHERE id = ? AND status <> 'sent'
      """;
  static final String MARK_FAILED = """
      UPDATE metadata.notifications
      SET status = 'failed', channels_sent = ?, channels_failed = ?, error_message = ?
      WHERE id = ? AND status <> 'sent'
      """;

  /** Where an email may go: enabled or not, and the address if any. */
  record Recipient(boolean enabled, Optional<String> address) {
  }

  Optional<String> status(Database db, long id) {
    return db.withConnection("read notification", c -> {
      try (PreparedStatement st = c.prepareStatement(STATUS)) {
        st.setLong(1, id);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  Optional<NotificationTemplate> template(Database db, String name) {
    return db.withConnection("read notification template", c -> {
      try (PreparedStatement st = c.prepareStatement(TEMPLATE)) {
        st.setString(1, name);
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new NotificationTemplate(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5)));
        }
      }
    });
  }

  Recipient emailRecipient(Database db, UUID userId) {
    return db.withConnection("read email recipient", c -> {
      try (PreparedStatement st = c.prepareStatement(EMAIL_RECIPIENT)) {
        st.setObject(1, userId);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          boolean hasPreference = rs.getBoolean(3);
          boolean enabled = !hasPreference || rs.getBoolean(1);
          return new Recipient(enabled, Optional.ofNullable(rs.getString(2)).filter(a -> !a.isBlank()));
        }
      }
    });
  }

  void markSent(Database db, long id, List<String> sent, List<String> failed, String error) {
    mark(db, MARK_SENT, id, sent, failed, error);
  }

  void markFailed(Database db, long id, List<String> sent, List<String> failed, String error) {
    mark(db, MARK_FAILED, id, sent, failed, error);
  }

  private static void mark(Database db, String sql, long id, List<String> sent, List<String> failed, String error) {
    db.withConnection("update notification", c -> {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        st.setArray(1, sent == null ? null : c.createArrayOf("text", sent.toArray()));
        // Civic OS writes NULL, not '{}', when no channel failed.
        st.setArray(2, failed == null || failed.isEmpty() ? null : c.createArrayOf("text", failed.toArray()));
        st.setString(3, error);
        st.setLong(4, id);
        return st.executeUpdate();
      }
    });
  }
}
