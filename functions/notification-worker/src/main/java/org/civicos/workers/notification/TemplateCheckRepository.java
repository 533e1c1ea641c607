package org.civicos.workers.notification;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import org.civicos.workers.db.Database;

/**
 * {@code template_validation_results} and its part rows, written in one transaction: earlier part rows of the
 * same check are replaced, then the parent is marked completed last, so a retry never duplicates rows and the
 * UI never sees a completed parent with missing parts.
 */
final class TemplateCheckRepository {
  static final String DELETE_PARTS = "DELETE FROM metadata.template_part_validation_results WHERE validation_id = ?";
  static final String INSERT_PART = """
      INSERT INTO metadata.template_part_validation_results (validation_id, part_name, valid, error_message)
      VALUES (?, ?, ?, ?)
      """;
  static final String COMPLETE = """
      UPDATE metadata.template_validation_results SET status = 'completed', completed_at = now() WHERE id = ?
      """;

  /** One checked part. {@code message} is "" for a valid validation, the rendered output for a valid preview. */
  record Part(String name, boolean valid, String message) {
  }

  /** Returns false if the parent row does not exist (cleaned up meanwhile). */
  boolean record(Database db, UUID validationId, List<Part> parts) {
    return db.inTransaction("record template check", c -> {
      int parents;
      try (PreparedStatement complete = c.prepareStatement(COMPLETE)) {
        complete.setObject(1, validationId);
        parents = complete.executeUpdate();
      }
      if (parents == 0) {
        return false;
      }
      try (PreparedStatement delete = c.prepareStatement(DELETE_PARTS)) {
        delete.setObject(1, validationId);
        delete.executeUpdate();
      }
      try (PreparedStatement insert = c.prepareStatement(INSERT_PART)) {
        for (Part part : parts) {
          insert.setObject(1, validationId);
          insert.setString(2, part.name());
          insert.setBoolean(3, part.valid());
          insert.setString(4, part.message());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      return true;
    });
  }
}
