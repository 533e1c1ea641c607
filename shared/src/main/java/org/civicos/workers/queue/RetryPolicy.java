package org.civicos.workers.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * River's default retry schedule as a pure function: the n-th error (counting the one being recorded) waits
 * n⁴ seconds, multiplied by a jitter factor in [0.9, 1.1). Based on the error count rather than the attempt,
 * as River does, so snoozed jobs keep their schedule.
 */
public final class RetryPolicy {
  /** River writes a retry due this soon as {@code available} (with a future scheduled_at) to skip the scheduler. */
  public static final Duration AVAILABLE_WINDOW = Duration.ofSeconds(5);
  private static final double MAX_SECONDS = Duration.ofDays(365L * 290).toSeconds();

  private final DoubleSupplier unitRandom;

  /** @param unitRandom uniform values in [0, 1); injected so tests can pin the jitter */
  public RetryPolicy(DoubleSupplier unitRandom) {
    this.unitRandom = unitRandom;
  }

  public static RetryPolicy standard() {
    return new RetryPolicy(() -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  /** @param errorCount errors already recorded on the row, not counting this one */
  public Duration delay(int errorCount) {
    double n = errorCount + 1.0;
    double seconds = Math.pow(n, 4);
    if (seconds >= MAX_SECONDS) {
      return Duration.ofSeconds((long) MAX_SECONDS);
    }
    double jittered = seconds * (0.9 + 0.2 * unitRandom.getAsDouble());
    return Duration.ofNanos((long) (jittered * 1_000_000_000L));
  }

  public Instant nextAttempt(Instant now, int errorCount) {
    return now.plus(delay(errorCount));
  }
}
