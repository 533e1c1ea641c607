package org.civicos.workers.queue;

import java.util.List;

/** Everything the poller learns about a tenant from its one depth statement. */
public record TenantSnapshot(List<QueueDepth> queues, MaintenanceNeeds needs) {
  public TenantSnapshot {
    queues = List.copyOf(queues);
  }

  public boolean idle() {
    return !needs.any() && queues.stream().noneMatch(QueueDepth::hasWork);
  }
}
