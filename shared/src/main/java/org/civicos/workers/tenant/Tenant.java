package org.civicos.workers.tenant;

import org.civicos.workers.db.DatabaseUrl;

/** One Civic OS instance: an id (used in activations, logs and metrics) and its database. */
public record Tenant(String id, DatabaseUrl database) {
  @Override
  public String toString() {
    return id + " (" + database + ")";
  }
}
