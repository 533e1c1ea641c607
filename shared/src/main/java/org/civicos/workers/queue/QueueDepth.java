package org.civicos.workers.queue;

import java.time.Instant;

/**
 * One queue of one tenant at one moment. Counts stop at the reader's cap, so a huge backlog costs the same
 * to read as a modest one.
 *
 * @param availableNow our kinds, available and due now (what a handler would claim)
 * @param dueSoon our kinds that fall due within the look-ahead window
 * @param runningInvocations distinct claimers holding running rows (handlers still at work)
 * @param oldestAvailable scheduled_at of the oldest claimable job, or null
 */
public record QueueDepth(String queue, long availableNow, long dueSoon, long runningJobs,
    long runningInvocations, boolean paused, Instant oldestAvailable) {

  public boolean hasWork() {
    return !paused && availableNow > 0;
  }
}
