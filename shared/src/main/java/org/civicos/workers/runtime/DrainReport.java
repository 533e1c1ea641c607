package org.civicos.workers.runtime;

/**
 * What one handler invocation did.
 *
 * @param stale outcomes dropped because the row was no longer running at our attempt (rescued, cancelled)
 * @param workRemains the invocation stopped for time with the queue possibly non-empty: continue
 */
public record DrainReport(
    int claims,
    int claimed,
    int completed,
    int retried,
    int discarded,
    int cancelled,
    int snoozed,
    int stale,
    StopReason stopReason,
    boolean workRemains) {

  public enum StopReason { DRAINED, DEADLINE }
}
