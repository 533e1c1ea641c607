package org.civicos.workers.poller;

import java.net.URI;
import java.time.InstantSource;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.DatabaseCredentials;
import org.civicos.workers.aws.LambdaInvoker;
import org.civicos.workers.config.Env;
import org.civicos.workers.log.EmfMetrics;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.tenant.TenantDatabases;

/** Builds the poller by hand from the environment: config, pools, the invoker. */
public final class PollerWiring {
  private PollerWiring() {
  }

  /** The poller as Lambda runs it: activations go out as asynchronous Lambda invocations. */
  public static Poller forLambda(Env env) {
    AwsClients aws = AwsClients.fromEnv(env);
    Invoker invoker = new LambdaInvoker(aws, env.optional("AWS_ENDPOINT_URL_LAMBDA").map(URI::create));
    return create(env, invoker, aws);
  }

  public static Poller create(Env env, Invoker invoker, AwsClients aws) {
    PollerConfig config = PollerConfig.fromEnv(env);
    TenantDatabases databases = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws));
    return new Poller(config, databases, invoker, InstantSource.system(), RetryPolicy.standard(),
        EmfMetrics.fromEnv(env, "poller"));
  }
}
