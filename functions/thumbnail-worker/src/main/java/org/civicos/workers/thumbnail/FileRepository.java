package org.civicos.workers.thumbnail;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.db.Database;

/** {@code metadata.files}: the row the browser polls for {@code thumbnail_status}. */
final class FileRepository {
  record FileRow(UUID id, String bucket, String originalKey, String fileType, String thumbnailStatus) {
  }

  static final String READ = """
      SELECT id, s3_bucket, s3_original_key, file_type, thumbnail_status FROM metadata.files WHERE id = ?
      """;
  static final String PROCESSING = """
      UPDATE metadata.files SET thumbnail_status = 'processing', updated_at = now()
      WHERE id = ? AND thumbnail_status IN ('pending', 'processing', 'failed')
      """;
  static final String COMPLETE = """
      UPDATE metadata.files SET thumbnail_status = 'completed', s3_thumbnail_small_key = ?,
        s3_thumbnail_medium_key = ?, s3_thumbnail_large_key = ?, thumbnail_error = NULL, updated_at = now()
      WHERE id = ?
      """;
  /** Only states the column's check constraint allows: the Go worker wrote 'error' and lost every failure. */
  static final String FAIL = """
      UPDATE metadata.files SET thumbnail_status = 'failed', thumbnail_error = ?, updated_at = now()
      WHERE id = ? AND thumbnail_status IS DISTINCT FROM 'completed'
      """;

  Optional<FileRow> read(Database db, UUID id) {
    return db.withConnection("read file", c -> {
      try (PreparedStatement st = c.prepareStatement(READ)) {
        st.setObject(1, id);
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new FileRow((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5)));
        }
      }
    });
  }

  void processing(Database db, UUID id) {
    update(db, "mark file processing", PROCESSING, id);
  }

  void complete(Database db, UUID id, String small, String medium, String large) {
    update(db, "complete file thumbnails", COMPLETE, small, medium, large, id);
  }

  void fail(Database db, UUID id, String message) {
    update(db, "fail file thumbnails", FAIL, message, id);
  }

  private static void update(Database db, String what, String sql, Object... params) {
    db.withConnection(what, c -> {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          st.setObject(i + 1, params[i]);
        }
        return st.executeUpdate();
      }
    });
  }
}
