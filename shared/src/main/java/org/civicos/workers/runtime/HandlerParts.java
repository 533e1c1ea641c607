package org.civicos.workers.runtime;

import org.civicos.workers.tenant.TenantDatabases;

/** What a function's wiring builds: the handler, and the pools to close at shutdown or before a snapshot. */
public record HandlerParts(QueueHandler handler, TenantDatabases databases) implements AutoCloseable {
  @Override
  public void close() {
    databases.close();
  }
}
