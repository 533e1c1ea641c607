package org.civicos.workers.s3;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.db.Database;

/** {@code metadata.file_upload_requests}, the row the browser polls through {@code get_upload_url}. */
final class UploadRequestRepository {
  /** A finished request is never overwritten: a retried job leaves the URL the browser may already use. */
  static final String COMPLETE = """
      UPDATE metadata.file_upload_requests
      SET presigned_url = ?, file_id = ?, s3_key = ?, status = 'completed', error_message = NULL
      WHERE id = ? AND status IS DISTINCT FROM 'completed'
      """;
  static final String FAIL = """
      UPDATE metadata.file_upload_requests SET status = 'failed', error_message = ?
      WHERE id = ? AND status IS DISTINCT FROM 'completed'
      """;
  static final String STATUS = "SELECT status FROM metadata.file_upload_requests WHERE id = ?";

  /** Returns the number of rows changed (0: missing, or already completed). */
  int complete(Database db, UUID requestId, String url, UUID fileId, String key) {
    return db.withConnection("complete upload request", c -> {
      try (PreparedStatement st = c.prepareStatement(COMPLETE)) {
        st.setString(1, url);
        st.setObject(2, fileId);
        st.setString(3, key);
        st.setObject(4, requestId);
        return st.executeUpdate();
      }
    });
  }

  int fail(Database db, UUID requestId, String message) {
    return db.withConnection("fail upload request", c -> {
      try (PreparedStatement st = c.prepareStatement(FAIL)) {
        st.setString(1, message);
        st.setObject(2, requestId);
        return st.executeUpdate();
      }
    });
  }

  /** The request's status, or empty if the row does not exist. */
  Optional<String> status(Database db, UUID requestId) {
    return db.withConnection("read upload request", c -> {
      try (PreparedStatement st = c.prepareStatement(STATUS)) {
        st.setObject(1, requestId);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(String.valueOf(rs.getString(1))) : Optional.empty();
        }
      }
    });
  }
}
