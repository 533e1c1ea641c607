package org.civicos.workers.runtime;

import org.civicos.workers.config.Env;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.tenant.TenantDirectory;

/** The settings every handler function shares, read once from the environment. */
public record HandlerConfig(String function, RiverSchema schema, DbSettings db, DrainSettings drain,
    TenantDirectory tenants) {

  public static HandlerConfig fromEnv(Env env, String function, int defaultBatchSize, int defaultParallelism) {
    return new HandlerConfig(function, RiverSchema.fromEnv(env), DbSettings.fromEnv(env, function),
        DrainSettings.fromEnv(env, defaultBatchSize, defaultParallelism), TenantDirectory.fromEnv(env));
  }
}
