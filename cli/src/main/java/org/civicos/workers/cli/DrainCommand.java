package org.civicos.workers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.config.Env;
import org.civicos.workers.log.EmfMetrics;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.HandlerConfig;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.aws.DatabaseCredentials;

/**
 * {@code workers drain QUEUE [--tenant T]}: one handler invocation in this process, with the function's Lambda
 * timeout as its time budget. Prints the invocation's result; says so if work remains (no continuation is
 * started from the command line).
 */
final class DrainCommand {
  static int run(Args args, Env env, PrintStream out) throws Exception {
    String queue = args.next("queue (s3_signer, thumbnails or notifications)");
    Optional<String> tenant = args.option("--tenant");
    args.done();
    FunctionDefinition definition = LocalFunctions.DEFINITIONS.stream().filter(d -> d.queue().equals(queue)).findFirst()
        .orElseThrow(() -> new CommandException(64, "unknown queue '" + queue + "'"));
    AwsClients aws = AwsClients.fromEnv(env);
    HandlerConfig config = Handlers.config(definition, env);
    String tenantId = tenant.orElseGet(() -> config.tenants().all().get(0).id());
    try (TenantDatabases pools = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws))) {
      QueueHandler handler = Handlers.handler(definition, config, pools, MailTransport.workers(definition, env, aws),
          (f, a) -> { }, EmfMetrics.fromEnv(env, definition.function()));
      Duration budget = LocalFunctions.TIMEOUTS.get(queue);
      QueueHandler.Result result = handler.handle(new Activation(tenantId, queue, "manual"),
          Deadline.after(budget, InstantSource.system()), "cli-" + UUID.randomUUID(), Optional.empty());
      out.println(new ObjectMapper().writeValueAsString(org.civicos.workers.aws.LambdaHandlerAdapter.toJson(result)));
      if (result.isRejected()) {
        return 1;
      }
      if (result.report().workRemains()) {
        out.println("work remains: run drain again, or poll");
      }
      return 0;
    }
  }

  private DrainCommand() {
  }
}
