package org.civicos.workers.runtime;

import java.time.Duration;
import java.util.Optional;
import org.civicos.workers.config.Env;

/**
 * How a handler drains its queue.
 *
 * @param batchSize jobs claimed per claim statement (and recorded per completion statement)
 * @param parallelism jobs of a batch running at once in the process
 * @param safetyMargin time kept free at the end of an invocation for the last completion and the continuation
 * @param jobTimeout overrides every worker's own timeout (it must fit the function timeout with the margin)
 * @param runawayHold how long the retry of a timed-out job that ignores interruption waits if its thread never
 *     stops (released as soon as it does); it keeps a retry from running beside the first run
 */
public record DrainSettings(int batchSize, int parallelism, Duration safetyMargin, Optional<Duration> jobTimeout,
    Duration runawayHold) {
  public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RUNAWAY_HOLD = Duration.ofHours(1);

  public DrainSettings {
    if (batchSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException("batch size and parallelism must be positive");
    }
  }

  public static DrainSettings fromEnv(Env env, int defaultBatchSize, int defaultParallelism) {
    return new DrainSettings(
        env.integer("CLAIM_BATCH_SIZE", defaultBatchSize, 1, 5_000),
        env.integer("JOB_PARALLELISM", defaultParallelism, 1, 256),
        env.duration("DRAIN_SAFETY_MARGIN", DEFAULT_SAFETY_MARGIN, Duration.ZERO),
        env.optional("JOB_TIMEOUT").map(v -> env.duration("JOB_TIMEOUT", Duration.ZERO, Duration.ofSeconds(1))),
        env.duration("RUNAWAY_RETRY_HOLD", DEFAULT_RUNAWAY_HOLD, Duration.ofMinutes(1)));
  }

  public DrainSettings(int batchSize, int parallelism, Duration safetyMargin, Optional<Duration> jobTimeout) {
    this(batchSize, parallelism, safetyMargin, jobTimeout, DEFAULT_RUNAWAY_HOLD);
  }

  public DrainSettings(int batchSize, int parallelism, Duration safetyMargin) {
    this(batchSize, parallelism, safetyMargin, Optional.empty());
  }

  /** The timeout a job of this worker gets. */
  public Duration timeoutFor(JobWorker<?> worker) {
    return jobTimeout.orElse(worker.timeout());
  }
}
