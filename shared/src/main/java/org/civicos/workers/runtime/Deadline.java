package org.civicos.workers.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/** How long an invocation may still run: Lambda's remaining time inside Lambda, a fixed budget elsewhere. */
@FunctionalInterface
public interface Deadline {
  Duration remaining();

  static Deadline after(Duration budget, InstantSource clock) {
    Instant end = clock.instant().plus(budget);
    return () -> Duration.between(clock.instant(), end);
  }

  /** From a millisecond countdown such as Lambda's {@code Context.getRemainingTimeInMillis()}. */
  static Deadline fromRemainingMillis(LongSupplier remainingMillis) {
    return () -> Duration.ofMillis(remainingMillis.getAsLong());
  }
}
