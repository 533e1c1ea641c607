package org.civicos.workers.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * What running a job decided, before River's rules turn it into a row state. Per-job failures are values,
 * not exceptions: a thrown exception becomes {@link Failed}, a permanent problem {@link Cancelled}.
 */
public sealed interface JobOutcome {

  /** The job did its work. */
  record Completed() implements JobOutcome {
  }

  /** A transient failure: retried with River's backoff until {@code max_attempts}, then discarded. */
  record Failed(String error, String trace) implements JobOutcome {
    public Failed {
      Objects.requireNonNull(error, "error");
      trace = trace == null ? "" : trace;
    }
  }

  /** A permanent failure: the job is finalized as {@code cancelled} with the reason in {@code errors}. */
  record Cancelled(String reason) implements JobOutcome {
    public Cancelled {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Input that can never run (args that do not decode): finalized as {@code discarded} at once. */
  record Discarded(String reason) implements JobOutcome {
    public Discarded {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Run again later without spending an attempt (River's JobSnooze). */
  record Snoozed(Duration delay) implements JobOutcome {
    public Snoozed {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("snooze delay must not be negative");
      }
    }
  }

  static JobOutcome completed() {
    return new Completed();
  }

  static JobOutcome failed(String error) {
    return new Failed(error, "");
  }

  static JobOutcome cancelled(String reason) {
    return new Cancelled(reason);
  }

  static JobOutcome discarded(String reason) {
    return new Discarded(reason);
  }

  static JobOutcome snoozed(Duration delay) {
    return new Snoozed(delay);
  }
}
