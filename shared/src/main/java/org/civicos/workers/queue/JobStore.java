package org.civicos.workers.queue;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The statements the drain loop needs: claim a batch, record a batch of outcomes, and release the held retries
 * of timed-out jobs whose threads have finally stopped.
 */
public interface JobStore {
  /**
   * Moves up to {@code limit} available jobs of the given kinds in one queue to {@code running}, in River's
   * order, in one autocommit statement. Returns nothing for a paused queue.
   */
  List<ClaimedJob> claim(String queue, Collection<String> kinds, int limit, String clientId);

  /** Records all changes in one statement; returns the new state of each row that was still running. */
  Map<Long, JobState> complete(List<StateChange> changes);

  /**
   * Makes the given held retries ({@code retryable} at exactly the given attempt, still scheduled in the future)
   * available now. Returns how many rows changed; rows retried, cancelled or deleted meanwhile are left alone.
   */
  int releaseHeld(Map<Long, Integer> attemptById);
}
