package org.civicos.workers.runtime;

/**
 * What one handler invocation did.
 *
 * @param stale outcomes dropped because the row was no longer running at our attempt (rescued, cancelled)
 * @param workRemains the invocation stopped for time with the queue possibly non-empty: continue
 * @param jobMillis how long each job ran, for the duration metric
 * @param claimMillis how long each claim statement took
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
    boolean workRemains,
    java.util.List<Long> jobMillis,
    java.util.List<Long> claimMillis) {

  public DrainReport {
    jobMillis = java.util.List.copyOf(jobMillis);
    claimMillis = java.util.List.copyOf(claimMillis);
  }

  public enum StopReason { DRAINED, DEADLINE }
}
