package org.civicos.workers.queue;

import java.time.Duration;
import org.civicos.workers.config.Env;

/**
 * River's leader maintenance, as the poller runs it.
 *
 * @param rescueAfter a {@code running} row older than this is rescued; must exceed the longest handler run
 * @param batchSize rows per maintenance statement (River uses 10,000; smaller keeps each statement short)
 * @param maxBatches statements per task per tick, so one tick's maintenance stays bounded
 * @param leaseTtl how long the {@code river_leader} lease is taken for; released at the end of the run
 */
public record MaintenanceSettings(
    Duration rescueAfter,
    Duration completedRetention,
    Duration cancelledRetention,
    Duration discardedRetention,
    int batchSize,
    int maxBatches,
    Duration leaseTtl) {

  public static final Duration DEFAULT_RESCUE_AFTER = Duration.ofHours(1);
  public static final Duration DEFAULT_COMPLETED_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_CANCELLED_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_DISCARDED_RETENTION = Duration.ofDays(7);
  public static final int DEFAULT_BATCH_SIZE = 1_000;
  public static final int DEFAULT_MAX_BATCHES = 10;
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(60);
  /** River promotes rows due within this window, so they are claimable the moment they fall due. */
  public static final Duration PROMOTE_LOOK_AHEAD = Duration.ofSeconds(5);
  /** River producers refresh their river_queue row this often; we refresh when it is older. */
  public static final Duration QUEUE_REFRESH = Duration.ofMinutes(10);
  /** River's queue cleaner removes river_queue rows nobody refreshed for this long. */
  public static final Duration QUEUE_RETENTION = Duration.ofHours(24);

  public static MaintenanceSettings defaults() {
    return new MaintenanceSettings(DEFAULT_RESCUE_AFTER, DEFAULT_COMPLETED_RETENTION, DEFAULT_CANCELLED_RETENTION,
        DEFAULT_DISCARDED_RETENTION, DEFAULT_BATCH_SIZE, DEFAULT_MAX_BATCHES, DEFAULT_LEASE_TTL);
  }

  public static MaintenanceSettings fromEnv(Env env) {
    return new MaintenanceSettings(
        env.duration("RESCUE_AFTER", DEFAULT_RESCUE_AFTER, Duration.ofSeconds(30)),
        env.duration("RETENTION_COMPLETED", DEFAULT_COMPLETED_RETENTION, Duration.ZERO),
        env.duration("RETENTION_CANCELLED", DEFAULT_CANCELLED_RETENTION, Duration.ZERO),
        env.duration("RETENTION_DISCARDED", DEFAULT_DISCARDED_RETENTION, Duration.ZERO),
        env.integer("MAINTENANCE_BATCH_SIZE", DEFAULT_BATCH_SIZE, 1, 10_000),
        env.integer("MAINTENANCE_MAX_BATCHES", DEFAULT_MAX_BATCHES, 1, 1_000),
        env.duration("MAINTENANCE_LEASE_TTL", DEFAULT_LEASE_TTL, Duration.ofSeconds(15)));
  }

  public Duration shortestRetention() {
    Duration min = completedRetention;
    if (cancelledRetention.compareTo(min) < 0) {
      min = cancelledRetention;
    }
    return discardedRetention.compareTo(min) < 0 ? discardedRetention : min;
  }

  public MaintenanceSettings withRescueAfter(Duration value) {
    return new MaintenanceSettings(value, completedRetention, cancelledRetention, discardedRetention, batchSize,
        maxBatches, leaseTtl);
  }
}
