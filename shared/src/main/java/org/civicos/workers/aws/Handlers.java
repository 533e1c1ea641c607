package org.civicos.workers.aws;

import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import org.civicos.workers.config.Env;
import org.civicos.workers.log.EmfMetrics;
import org.civicos.workers.log.Metrics;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.HandlerConfig;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.TenantDatabases;

/** Builds a handler function from its {@link FunctionDefinition}: the one wiring every function shares. */
public final class Handlers {
  private Handlers() {
  }

  /** As Lambda runs it: continuations are asynchronous Lambda invocations of itself. */
  public static HandlerParts forLambda(FunctionDefinition definition, Env env) {
    AwsClients aws = AwsClients.fromEnv(env);
    Invoker invoker = new LambdaInvoker(aws, env.optional("AWS_ENDPOINT_URL_LAMBDA").map(URI::create));
    return create(definition, env, invoker, aws);
  }

  /** A handler with its own pools (one sandbox). */
  public static HandlerParts create(FunctionDefinition definition, Env env, Invoker invoker, AwsClients aws) {
    HandlerConfig config = config(definition, env);
    TenantDatabases pools = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws));
    return new HandlerParts(handler(definition, config, pools, definition.workers().apply(env, aws), invoker,
        EmfMetrics.fromEnv(env, definition.function())), pools);
  }

  /** A handler on pools and workers the caller provides (consolidated mode shares pools across handlers). */
  public static QueueHandler handler(FunctionDefinition definition, HandlerConfig config, TenantDatabases pools,
      List<JobWorker<?>> workers, Invoker invoker, Metrics metrics) {
    return new QueueHandler(definition.function(), QueueCatalog.byQueue(definition.queue()).orElseThrow().spec(),
        config.tenants(), pools, config.schema(), workers, config.drain(), invoker, InstantSource.system(),
        RetryPolicy.standard(), metrics);
  }

  public static HandlerConfig config(FunctionDefinition definition, Env env) {
    return HandlerConfig.fromEnv(env, definition.function(), definition.defaultBatchSize(),
        definition.defaultParallelism());
  }
}
