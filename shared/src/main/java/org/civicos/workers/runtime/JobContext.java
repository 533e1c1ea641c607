package org.civicos.workers.runtime;

import java.time.InstantSource;
import org.civicos.workers.db.Database;
import org.civicos.workers.queue.ClaimedJob;

/**
 * What a worker may use while running one job: the job row, the tenant's database (its single connection is
 * shared with the other jobs of the batch, one short statement at a time) and the clock.
 */
public record JobContext(String tenant, ClaimedJob job, Database database, InstantSource clock) {
}
