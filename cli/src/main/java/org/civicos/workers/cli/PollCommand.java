package org.civicos.workers.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.DatabaseCredentials;
import org.civicos.workers.config.Env;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.poller.TickReport;
import org.civicos.workers.queue.QueueDepth;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.tenant.TenantDatabases;

/**
 * {@code workers poll --once}: one poller tick with the handlers run in this process (each at its reserved
 * concurrency, each sandbox with its own connection), returning when every invocation, continuations included,
 * has finished.
 */
final class PollCommand {
  static int run(Args args, Env env, PrintStream out) throws InterruptedException {
    if (!args.flag("--once")) {
      throw new CommandException(64, "poll needs --once (use `workers run` to keep polling)");
    }
    Duration wait = args.option("--timeout").map(v -> new Env(java.util.Map.of("T", v)).duration("T", Duration.ZERO,
        Duration.ofSeconds(1))).orElse(Duration.ofMinutes(30));
    args.done();
    AwsClients aws = AwsClients.fromEnv(env);
    PollerConfig config = PollerConfig.fromEnv(env);
    try (LocalFunctions functions = new LocalFunctions(env, aws, config, Optional.empty(),
        (definition, e) -> MailTransport.workers(definition, e, aws));
        TenantDatabases pollerPools = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws))) {
      Poller poller = new Poller(config, pollerPools, functions.invoker(), InstantSource.system(), RetryPolicy.standard());
      TickReport tick = poller.tick("cli-" + UUID.randomUUID());
      boolean finished = functions.invoker().awaitIdle(wait);
      for (TickReport.TenantResult tenant : tick.tenants()) {
        if (tenant.error() != null) {
          out.printf("%s: error: %s%n", tenant.tenant(), tenant.error());
          continue;
        }
        for (int i = 0; i < tenant.depths().size(); i++) {
          QueueDepth depth = tenant.depths().get(i);
          out.printf("%s %s: %d available, %d invocations%n", tenant.tenant(), depth.queue(), depth.availableNow(),
              tenant.invocations().get(i));
        }
      }
      LocalFunctions.Stats stats = functions.stats();
      for (PollerConfig.QueueTarget target : config.queues()) {
        String q = target.queue();
        out.printf("%s: %d invocations (%d continuations), %d completed, %d failed%n", q,
            stats.get(stats.invocations, q), stats.get(stats.continuations, q), stats.get(stats.completed, q),
            stats.get(stats.failed, q));
      }
      if (!finished) {
        out.println("still running after " + wait + "; stopping");
        return 75;
      }
      return tick.tenantsFailed() > 0 || functions.invoker().failures() > 0 ? 1 : 0;
    }
  }

  private PollCommand() {
  }
}
