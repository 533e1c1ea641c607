package org.civicos.workers.tenant;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DbSettings;

/**
 * One lazily opened {@link Database} per tenant, kept for the life of the process (a warm Lambda sandbox):
 * creating it opens nothing, and each invocation releases it according to {@code DB_RELEASE}.
 */
public final class TenantDatabases implements AutoCloseable {
  private final DbSettings settings;
  private final CredentialSource credentials;
  private final ConcurrentHashMap<String, Database> open = new ConcurrentHashMap<>();

  public TenantDatabases(DbSettings settings, CredentialSource credentials) {
    this.settings = settings;
    this.credentials = credentials;
  }

  public Database of(Tenant tenant) {
    return open.computeIfAbsent(tenant.id(), id -> new Database(id, tenant.database(), settings, credentials));
  }

  public DbSettings settings() {
    return settings;
  }

  public Collection<Database> all() {
    return open.values();
  }

  /** Closes every pool (before a SnapStart snapshot, or at shutdown). */
  @Override
  public void close() {
    open.values().forEach(Database::close);
  }
}
