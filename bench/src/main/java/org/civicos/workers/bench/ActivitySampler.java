package org.civicos.workers.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.civicos.workers.db.DatabaseUrl;

/**
 * Samples pg_stat_activity every {@code periodMillis} from a connection of its own and keeps, per phase label
 * (whatever the phase supplier says at sample time), the maximum of each counted column. Client-side gauges, if
 * given, are read right after each query and kept as further columns ({@code columns}, {@code columns + 1}...),
 * so the server's count and ours come from the same instant, give or take the query.
 */
public final class ActivitySampler implements AutoCloseable {
  private final String sql;
  private final int columns;
  private final long periodMillis;
  private final Supplier<String> phase;
  private final java.util.function.LongSupplier[] gauges;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ConcurrentHashMap<String, long[]> maxima = new ConcurrentHashMap<>();
  private volatile long samples;
  private volatile Exception failure;

  /** @param sql one row of {@code columns} bigint counts */
  public ActivitySampler(DatabaseUrl admin, String sql, int columns, long periodMillis, Supplier<String> phase,
      java.util.function.LongSupplier... gauges) {
    this.sql = sql;
    this.gauges = gauges.clone();
    this.columns = columns;
    this.periodMillis = periodMillis;
    this.phase = phase;
    this.thread = Thread.ofPlatform().daemon().name("activity-sampler").start(() -> loop(admin));
  }

  private void loop(DatabaseUrl admin) {
    try (Connection c = Pg.connect(admin); PreparedStatement st = c.prepareStatement(sql)) {
      long next = System.nanoTime();
      while (running.get()) {
        String label = phase.get();
        long[] row = new long[columns + gauges.length];
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          for (int i = 0; i < columns; i++) {
            row[i] = rs.getLong(i + 1);
          }
        }
        for (int g = 0; g < gauges.length; g++) {
          row[columns + g] = gauges[g].getAsLong();
        }
        if (label != null) {
          maxima.merge(label, row, (a, b) -> {
            long[] m = new long[a.length];
            for (int i = 0; i < a.length; i++) {
              m[i] = Math.max(a[i], b[i]);
            }
            return m;
          });
        }
        samples++;
        next += periodMillis * 1_000_000L;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
        } else {
          next = System.nanoTime();
        }
      }
    } catch (Exception e) {
      failure = e;
    }
  }

  public long max(String label, int column) {
    long[] m = maxima.get(label);
    return m == null ? 0 : m[column];
  }

  public long samples() {
    return samples;
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException("pg_stat_activity sampler failed: " + failure.getMessage(), failure);
    }
  }
}
