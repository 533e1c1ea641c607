package org.civicos.workers.cli;

import org.civicos.workers.config.Env;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDirectory;

/** What every database command reads from the environment: DATABASE_URL, TENANTS, RIVER_SCHEMA. */
record CliContext(Env env, TenantDirectory tenants, RiverSchema schema, DbSettings db) {
  static CliContext from(Env env) {
    return new CliContext(env, TenantDirectory.fromEnv(env), RiverSchema.fromEnv(env),
        DbSettings.fromEnv(env, "cli").withApplicationName("civic-workers/cli"));
  }

  Database database(Tenant tenant) {
    return new Database(tenant.id(), tenant.database(), db, CredentialSource.fromUrl());
  }
}
