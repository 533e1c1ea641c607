package org.civicos.workers.runtime;

import java.time.Duration;
import org.civicos.workers.config.Env;

/**
 * How a handler drains its queue.
 *
 * @param batchSize jobs claimed per claim statement (and recorded per completion statement)
 * @param parallelism jobs of a batch running at once in the process
 * @param safetyMargin time kept free at the end of an invocation for the last completion and the continuation
 */
public record DrainSettings(int batchSize, int parallelism, Duration safetyMargin) {
  public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofSeconds(5);

  public DrainSettings {
    if (batchSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException("batch size and parallelism must be positive");
    }
  }

  public static DrainSettings fromEnv(Env env, int defaultBatchSize, int defaultParallelism) {
    return new DrainSettings(
        env.integer("CLAIM_BATCH_SIZE", defaultBatchSize, 1, 5_000),
        env.integer("JOB_PARALLELISM", defaultParallelism, 1, 256),
        env.duration("DRAIN_SAFETY_MARGIN", DEFAULT_SAFETY_MARGIN, Duration.ZERO));
  }
}
