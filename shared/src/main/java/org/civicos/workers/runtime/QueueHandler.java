package org.civicos.workers.runtime;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.civicos.workers.db.Database;
import org.civicos.workers.log.Metrics;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverJobStore;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every handler function does with one activation, free of Lambda types: refuse a tenant or queue it does
 * not know before any connection is opened; otherwise drain the queue through the tenant's one connection,
 * release the connection, and, if time ran out with work left, start one continuation of itself.
 */
public final class QueueHandler {
  private static final Logger LOG = LoggerFactory.getLogger(QueueHandler.class);

  /** The outcome of one invocation. {@code rejection} is set (and nothing else) when the payload was refused. */
  public record Result(Activation activation, String rejection, DrainReport report, boolean continued,
      boolean connectionOpened) {
    public static Result rejected(Activation activation, String reason) {
      return new Result(activation, reason, null, false, false);
    }

    public boolean isRejected() {
      return rejection != null;
    }
  }

  private final String function;
  private final QueueSpec spec;
  private final TenantDirectory tenants;
  private final TenantDatabases databases;
  private final RiverSchema schema;
  private final List<JobWorker<?>> workers;
  private final DrainSettings drain;
  private final Invoker invoker;
  private final InstantSource clock;
  private final RetryPolicy retryPolicy;
  private final Metrics metrics;
  /** Outlives invocations: a timed-out thread that ignored interruption may stop during a later one. */
  private final RunawayJobs runaways = new RunawayJobs();

  public QueueHandler(String function, QueueSpec spec, TenantDirectory tenants, TenantDatabases databases,
      RiverSchema schema, List<JobWorker<?>> workers, DrainSettings drain, Invoker invoker, InstantSource clock,
      RetryPolicy retryPolicy) {
    this(function, spec, tenants, databases, schema, workers, drain, invoker, clock, retryPolicy, Metrics.NONE);
  }

  public QueueHandler(String function, QueueSpec spec, TenantDirectory tenants, TenantDatabases databases,
      RiverSchema schema, List<JobWorker<?>> workers, DrainSettings drain, Invoker invoker, InstantSource clock,
      RetryPolicy retryPolicy, Metrics metrics) {
    List<String> kinds = workers.stream().map(JobWorker::kind).toList();
    if (!spec.kinds().containsAll(kinds) || !kinds.containsAll(spec.kinds())) {
      throw new IllegalArgumentException("workers " + kinds + " do not match the kinds of queue " + spec.queue());
    }
    this.function = function;
    this.spec = spec;
    this.tenants = tenants;
    this.databases = databases;
    this.schema = schema;
    this.workers = List.copyOf(workers);
    this.drain = drain;
    this.invoker = invoker;
    this.clock = clock;
    this.retryPolicy = retryPolicy;
    this.metrics = metrics;
  }

  public String queue() {
    return spec.queue();
  }

  /**
   * @param self where a continuation goes (the invoked function ARN, alias included), or empty for none
   * @param invocationId the Lambda request id (or a local one); part of the client id in {@code attempted_by}
   */
  public Result handle(Activation activation, Deadline deadline, String invocationId, Optional<String> self) {
    MDC.put("tenant", activation.tenant());
    MDC.put("queue", activation.queue());
    try {
      if (!spec.queue().equals(activation.queue())) {
        return reject(activation, "queue '" + activation.queue() + "' is not served by " + function
            + " (it drains '" + spec.queue() + "')");
      }
      Optional<Tenant> tenant = tenants.find(activation.tenant());
      if (tenant.isEmpty()) {
        return reject(activation, "unknown tenant '" + activation.tenant() + "'");
      }
      return drain(activation, tenant.get(), deadline, invocationId, self);
    } finally {
      MDC.remove("tenant");
      MDC.remove("queue");
    }
  }

  private Result drain(Activation activation, Tenant tenant, Deadline deadline, String invocationId,
      Optional<String> self) {
    Database database = databases.of(tenant);
    long connectionsBefore = database.connectionsOpened();
    DrainReport report;
    try {
      DrainLoop loop = new DrainLoop(tenant.id(), new RiverJobStore(database, schema, clock), database, workers, drain,
          clock, retryPolicy, runaways);
      report = loop.drain(spec.queue(), deadline, clientId(invocationId));
    } finally {
      database.release();
    }
    boolean continued = false;
    if (report.workRemains() && self.isPresent()) {
      invoker.invokeAsync(self.get(), activation.withReason(Activation.CONTINUATION));
      continued = true;
    }
    boolean opened = database.connectionsOpened() > connectionsBefore;
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("JobsCompleted", report.completed());
    values.put("JobsRetried", report.retried());
    values.put("JobsDiscarded", report.discarded());
    values.put("JobsCancelled", report.cancelled());
    values.put("JobDurationMs", report.jobMillis());
    values.put("ClaimLatencyMs", report.claimMillis());
    values.put("ConnectionsOpened", database.connectionsOpened() - connectionsBefore);
    values.put("Continuations", continued ? 1 : 0);
    metrics.record(tenant.id(), spec.queue(), values);
    LOG.atInfo()
        .addKeyValue("reason", activation.reason())
        .addKeyValue("claimed", report.claimed())
        .addKeyValue("completed", report.completed())
        .addKeyValue("retried", report.retried())
        .addKeyValue("discarded", report.discarded())
        .addKeyValue("cancelled", report.cancelled())
        .addKeyValue("stale", report.stale())
        .addKeyValue("stop", report.stopReason().name().toLowerCase())
        .addKeyValue("continuation", continued)
        .addKeyValue("connection_opened", opened)
        .log("invocation done: {} claimed, {} completed{}", report.claimed(), report.completed(),
            continued ? ", continuing" : "");
    return new Result(activation, null, report, continued, opened);
  }

  private Result reject(Activation activation, String reason) {
    LOG.atWarn().addKeyValue("rejected", true).log("activation rejected before any connection: {}", reason);
    return Result.rejected(activation, reason);
  }

  private String clientId(String invocationId) {
    String id = "civic-workers/" + function + "/" + invocationId;
    return id.length() > 100 ? id.substring(0, 100) : id;
  }
}
