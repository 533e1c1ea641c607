package org.civicos.workers.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.civicos.workers.db.Database;

/**
 * River's {@code river_leader} lease, used exactly as River's elector uses it, so a Go River client and the
 * poller never run maintenance at the same time: delete an expired lease and insert ours in one transaction
 * (the primary key on {@code name='default'} lets only one win); resign by deleting our row and announcing it
 * on {@code <schema>.river_leadership}.
 */
public final class LeaderLease {
  static final String DELETE_EXPIRED = "DELETE FROM ${schema}.river_leader WHERE expires_at < now()";
  static final String INSERT = """
      INSERT INTO ${schema}.river_leader (leader_id, elected_at, expires_at)
      VALUES (?, now(), now() + ?::interval)
      ON CONFLICT (name) DO NOTHING
      RETURNING elected_at
      """;
  static final String CURRENT = "SELECT leader_id, expires_at FROM ${schema}.river_leader WHERE name = 'default'";
  static final String RESIGN = "DELETE FROM ${schema}.river_leader WHERE leader_id = ? AND elected_at = ?";
  static final String NOTIFY = "SELECT pg_notify(?, ?)";

  /** A lease we hold. */
  public record Lease(String leaderId, Timestamp electedAt) {
  }

  /** Outcome of an election attempt: ours, or the live holder's id. */
  public record Election(Optional<Lease> lease, String holder, Instant holderExpiresAt) {
    public boolean won() {
      return lease.isPresent();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database database;
  private final RiverSchema schema;

  public LeaderLease(Database database, RiverSchema schema) {
    this.database = database;
    this.schema = schema;
  }

  public Election tryAcquire(String leaderId, Duration ttl) {
    return database.inTransaction("elect leader", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(schema.apply(DELETE_EXPIRED))) {
        delete.executeUpdate();
      }
      try (PreparedStatement insert = connection.prepareStatement(schema.apply(INSERT))) {
        insert.setString(1, leaderId);
        insert.setString(2, ttl.toMillis() + " milliseconds");
        try (ResultSet rs = insert.executeQuery()) {
          if (rs.next()) {
            return new Election(Optional.of(new Lease(leaderId, rs.getTimestamp(1))), leaderId, null);
          }
        }
      }
      try (PreparedStatement current = connection.prepareStatement(schema.apply(CURRENT));
          ResultSet rs = current.executeQuery()) {
        if (rs.next()) {
          return new Election(Optional.empty(), rs.getString(1), rs.getTimestamp(2).toInstant());
        }
        return new Election(Optional.empty(), "(unknown)", null);
      }
    });
  }

  public void resign(Lease lease) {
    database.inTransaction("resign leadership", connection -> {
      int deleted;
      try (PreparedStatement delete = connection.prepareStatement(schema.apply(RESIGN))) {
        delete.setString(1, lease.leaderId());
        delete.setTimestamp(2, lease.electedAt());
        deleted = delete.executeUpdate();
      }
      if (deleted > 0) {
        // Followers (Go River clients) elect at once instead of waiting for the next election tick.
        try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
          notify.setString(1, schema.name() + ".river_leadership");
          notify.setString(2, JSON.createObjectNode().put("leader_id", lease.leaderId())
              .put("action", "resigned").toString());
          notify.execute();
        }
      }
      return null;
    });
  }
}
