package org.civicos.workers.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One row of a batched completion: River's outcome rules already applied. The completion statement writes
 * it only if the row is still {@code running} at the same attempt, so a stale result (the row was rescued,
 * cancelled or deleted meanwhile) is dropped, as River drops it.
 *
 * @param state target state
 * @param scheduledAt new {@code scheduled_at}, or null to keep it
 * @param errorJson one {@code errors[]} element to append, or null
 * @param attemptDelta 0, or -1 for a snooze (which does not spend an attempt)
 * @param incrementKey metadata counter to bump ({@code snoozes}, {@code river:rescue_count}), or null
 */
public record StateChange(long id, int attempt, JobState state, Instant scheduledAt, String errorJson,
    int attemptDelta, String incrementKey) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Applies River's outcome matrix.
   *
   * @param now completion time (app clock, as River uses)
   * @param startedAt when this attempt started; River records it as {@code errors[].at}
   */
  public static StateChange of(ClaimedJob job, JobOutcome outcome, Instant now, Instant startedAt,
      RetryPolicy retryPolicy) {
    return switch (outcome) {
      case JobOutcome.Completed c -> new StateChange(job.id(), job.attempt(), JobState.COMPLETED, null, null, 0, null);
      case JobOutcome.Cancelled c -> new StateChange(job.id(), job.attempt(), JobState.CANCELLED, null,
          error(startedAt, job.attempt(), c.reason(), ""), 0, null);
      case JobOutcome.Discarded d -> new StateChange(job.id(), job.attempt(), JobState.DISCARDED, null,
          error(startedAt, job.attempt(), d.reason(), ""), 0, null);
      case JobOutcome.Snoozed s -> {
        Instant at = now.plus(s.delay());
        JobState state = s.delay().compareTo(RetryPolicy.AVAILABLE_WINDOW) <= 0 ? JobState.AVAILABLE : JobState.SCHEDULED;
        yield new StateChange(job.id(), job.attempt(), state, at, null, -1, "snoozes");
      }
      case JobOutcome.Failed f -> failure(job, f.error(), f.trace(), now, startedAt, retryPolicy, null);
    };
  }

  /** This retry held until {@code until} instead of its backoff; any other outcome is returned unchanged. */
  public StateChange heldUntil(Instant until) {
    if (state != JobState.AVAILABLE && state != JobState.RETRYABLE) {
      return this;
    }
    return new StateChange(id, attempt, JobState.RETRYABLE, until, errorJson, attemptDelta, incrementKey);
  }

  /** A failed attempt: discarded at {@code max_attempts}, otherwise retried with backoff. */
  public static StateChange failure(ClaimedJob job, String error, String trace, Instant now, Instant errorAt,
      RetryPolicy retryPolicy, String incrementKey) {
    String element = error(errorAt, job.attempt(), error, trace);
    if (job.attempt() >= job.maxAttempts()) {
      return new StateChange(job.id(), job.attempt(), JobState.DISCARDED, null, element, 0, incrementKey);
    }
    Instant retryAt = retryPolicy.nextAttempt(now, job.errorCount());
    JobState state = !retryAt.isAfter(now.plus(RetryPolicy.AVAILABLE_WINDOW)) ? JobState.AVAILABLE : JobState.RETRYABLE;
    return new StateChange(job.id(), job.attempt(), state, retryAt, element, 0, incrementKey);
  }

  /** River's {@code errors[]} element: {@code at} is RFC 3339 with seconds and zone, {@code attempt} a number. */
  static String error(Instant at, int attempt, String message, String trace) {
    ObjectNode node = JSON.createObjectNode();
    node.put("at", at.toString());
    node.put("attempt", attempt);
    node.put("error", message);
    node.put("trace", trace);
    return node.toString();
  }
}
