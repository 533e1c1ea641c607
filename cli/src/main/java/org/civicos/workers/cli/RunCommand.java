package org.civicos.workers.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.DatabaseCredentials;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code workers run [--push]}: the consolidated long-running mode for deployments without AWS (the connection
 * guide's solution 3). All queues in one process, all handlers and the poller borrowing from one pool of
 * {@code DB_MAX_CONNS} connections per tenant, kept open; the poller ticks every {@code POLL_INTERVAL}. With
 * {@code --push}, one extra LISTEN connection per tenant starts handlers as soon as jobs are inserted (install the
 * trigger with {@code workers schema push-activation install}). SIGTERM/Ctrl-C: stop polling, let running
 * invocations finish the batch in hand, release the connections, exit.
 */
final class RunCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

  static int run(Args args, Env env, PrintStream out) throws InterruptedException {
    boolean push = args.flag("--push");
    args.done();
    Consolidated consolidated = new Consolidated(env, push);
    Runtime.getRuntime().addShutdownHook(new Thread(consolidated::stop, "shutdown"));
    consolidated.run(out);
    return 0;
  }

  /** The running process: poller loop, handlers, optional push listeners; {@link #stop} ends it gracefully. */
  static final class Consolidated {
    private final Env env;
    private final boolean push;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile LocalFunctions functions;

    Consolidated(Env env, boolean push) {
      this.env = env;
      this.push = push;
    }

    void run(PrintStream out) throws InterruptedException {
      Duration interval = env.duration("POLL_INTERVAL", DEFAULT_INTERVAL, Duration.ofMillis(100));
      AwsClients aws = AwsClients.fromEnv(env);
      PollerConfig config = PollerConfig.fromEnv(env);
      DbSettings db = DbSettings.fromEnv(env, "consolidated").withRelease(DbSettings.ReleasePolicy.KEEP);
      List<PushListener> listeners = new ArrayList<>();
      try (TenantDatabases pools = new TenantDatabases(db, DatabaseCredentials.forSettings(db, aws));
          LocalFunctions handlers = new LocalFunctions(env, aws, config, Optional.of(pools),
              (definition, e) -> MailTransport.workers(definition, e, aws))) {
        functions = handlers;
        Poller poller = new Poller(config, pools, handlers.invoker(), InstantSource.system(), RetryPolicy.standard());
        if (push) {
          Map<String, String> byQueue = config.queues().stream()
              .collect(Collectors.toMap(PollerConfig.QueueTarget::queue, PollerConfig.QueueTarget::function));
          for (Tenant tenant : config.tenants().all()) {
            PushListener listener = new PushListener(tenant, tenant.database().password(), config.schema(), byQueue,
                handlers.invoker());
            listeners.add(listener);
            Thread.ofPlatform().daemon().name("push-" + tenant.id()).start(listener);
          }
        }
        out.printf("workers run: %d tenants, queues %s, %d connection(s) per tenant, poll every %s%s%n",
            config.tenants().all().size(), config.queues().stream().map(PollerConfig.QueueTarget::queue).toList(),
            db.maxConnections(), interval, push ? ", push activation on" : "");
        do {
          poller.tick("run-" + UUID.randomUUID());
        } while (!stopRequested.await(interval.toMillis(), TimeUnit.MILLISECONDS));
        LOG.info("stopping: finishing the jobs in hand");
        listeners.forEach(PushListener::stop);
        boolean done = handlers.invoker().shutdown(SHUTDOWN_GRACE);
        LOG.info(done ? "all invocations finished" : "some invocations did not finish within {}", SHUTDOWN_GRACE);
      } finally {
        finished.countDown();
      }
    }

    /** Asks the loop to end and waits until invocations finished and connections are closed. */
    void stop() {
      stopRequested.countDown();
      try {
        finished.await(SHUTDOWN_GRACE.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    LocalFunctions functions() {
      return functions;
    }
  }

  private RunCommand() {
  }
}
