package org.civicos.workers.poller;

import java.util.List;
import org.civicos.workers.queue.Maintenance;
import org.civicos.workers.queue.QueueDepth;

/** What one poller tick found and did. */
public record TickReport(int tenantsChecked, int tenantsIdle, int tenantsFailed, int invocationsRequested,
    int invocationsFailed, long durationMillis, List<TenantResult> tenants) {

  /**
   * One tenant's part of a tick.
   *
   * @param invocations activations sent, per queue in the order of {@code depths}
   */
  public record TenantResult(String tenant, List<QueueDepth> depths, Maintenance.Report maintenance,
      List<Integer> invocations, int invocationsFailed, String error) {
    /** No work for any handler (maintenance may still have run, e.g. the periodic river_queue refresh). */
    public boolean idle() {
      return error == null && invocations.stream().allMatch(n -> n == 0);
    }
  }
}
