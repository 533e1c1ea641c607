package org.civicos.workers.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.tenant.Tenant;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs for push activations of one tenant on one extra, dedicated connection (LISTEN is session state: this
 * connection must be direct or session-pooled, never through PgBouncer in transaction mode or RDS Proxy) and
 * starts the queue's handler for each notification. Reconnects with backoff; the poller covers any gap.
 */
final class PushListener implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PushListener.class);

  private final Tenant tenant;
  private final String password;
  private final RiverSchema schema;
  private final Map<String, String> functionsByQueue;
  private final Invoker invoker;
  private volatile boolean running = true;
  private volatile Connection connection;

  PushListener(Tenant tenant, String password, RiverSchema schema, Map<String, String> functionsByQueue, Invoker invoker) {
    this.tenant = tenant;
    this.password = password;
    this.schema = schema;
    this.functionsByQueue = functionsByQueue;
    this.invoker = invoker;
  }

  @Override
  public void run() {
    Duration backoff = Duration.ofSeconds(1);
    while (running) {
      try (Connection c = connect()) {
        connection = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN \"" + PushActivation.channel(schema) + "\"");
        }
        LOG.info("listening for push activations of tenant {}", tenant.id());
        backoff = Duration.ofSeconds(1);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(1000);
          if (notifications == null) {
            continue;
          }
          java.util.Set<String> queues = new java.util.LinkedHashSet<>();
          for (PGNotification n : notifications) {
            queues.add(n.getParameter());
          }
          for (String queue : queues) {
            String function = functionsByQueue.get(queue);
            if (function != null) {
              invoker.invokeAsync(function, new Activation(tenant.id(), queue, "push"));
            }
          }
        }
      } catch (SQLException e) {
        if (!running) {
          return;
        }
        LOG.warn("push listener for {} lost its connection ({}); retrying in {}", tenant.id(), e.getMessage(), backoff);
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
            : backoff.multipliedBy(2);
      }
    }
  }

  void stop() {
    running = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (tenant.database().user() != null) {
      props.setProperty("user", tenant.database().user());
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "civic-workers/push-listener");
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(tenant.database().jdbcUrl(), props);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
