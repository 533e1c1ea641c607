package org.civicos.workers.queue;

/** Which maintenance tasks have something to do, read in the same statement as the depth. */
public record MaintenanceNeeds(boolean promote, boolean rescue, boolean clean, boolean refreshQueues) {
  public static final MaintenanceNeeds NONE = new MaintenanceNeeds(false, false, false, false);

  public boolean any() {
    return promote || rescue || clean || refreshQueues;
  }
}
