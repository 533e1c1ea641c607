package org.civicos.workers.runtime;

import org.civicos.workers.tenant.TenantDatabases;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart (CRaC) hook: no open connection may end up in a snapshot, where every restored copy would share
 * one socket. Pools are closed before the checkpoint; they reopen lazily on the first statement after restore.
 */
public final class SnapshotSafety implements Resource {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSafety.class);
  private final TenantDatabases databases;

  private SnapshotSafety(TenantDatabases databases) {
    this.databases = databases;
  }

  /** Registers the hook; the instance must stay reachable (CRaC holds resources weakly). */
  public static SnapshotSafety register(TenantDatabases databases) {
    SnapshotSafety hook = new SnapshotSafety(databases);
    Core.getGlobalContext().register(hook);
    return hook;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    databases.close();
    LOG.info("closed database pools before the snapshot");
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to reopen: pools are created lazily on first use.
  }
}
