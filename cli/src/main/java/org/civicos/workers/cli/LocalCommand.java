package org.civicos.workers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.DatabaseCredentials;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.SchemaInstaller;
import org.civicos.workers.local.LocalPostgres;
import org.civicos.workers.local.LocalS3;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.tenant.TenantDatabases;

/**
 * {@code workers local [--exit-when-idle]} (what {@code scripts/run-local} runs): the whole system on this machine
 * with nothing but a JDK. Embedded PostgreSQL unless {@code DATABASE_URL} is set, the schema, an in-process S3
 * server with the bucket, emails into an outbox folder, demo tenants (one busy, several idle) and demo work; then
 * the poller ticks every {@code LOCAL_TICK} and the handlers run exactly as in Lambda (each sandbox its own
 * connection, released after each invocation), while a status line shows jobs done, depth, and how many
 * connections the workers hold right now — 0 between bursts.
 */
final class LocalCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "civic-os-files";
  private static final String DB_PREFIX = "civic_workers_demo_";

  static int run(Args args, Env env, PrintStream out) throws Exception {
    boolean exitWhenIdle = args.flag("--exit-when-idle");
    args.done();
    Duration tick = env.duration("LOCAL_TICK", Duration.ofSeconds(2), Duration.ofMillis(100));
    int uploads = env.integer("DEMO_UPLOADS", 8, 0, 1000);
    int notifications = env.integer("DEMO_NOTIFICATIONS", 12, 0, 100_000);
    int idleTenants = env.integer("DEMO_IDLE_TENANTS", 3, 0, 200);
    Path dir = Path.of(env.string("LOCAL_DIR", ".local/run-local")).toAbsolutePath();
    Path outbox = dir.resolve("outbox");
    long started = System.nanoTime();

    List<AutoCloseable> started_ = new ArrayList<>();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        done.await(90, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "local-shutdown"));
    try {
      DatabaseUrl admin;
      if (env.optional("DATABASE_URL").isPresent()) {
        admin = DatabaseUrl.parse("DATABASE_URL", env.required("DATABASE_URL"));
        out.println("local: using the PostgreSQL server of DATABASE_URL (" + admin + ")");
      } else {
        LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"));
        started_.add(pg);
        admin = pg.adminUrl();
        out.println("local: embedded PostgreSQL 17 on port " + admin.port());
      }
      RiverSchema schema = RiverSchema.fromEnv(env);
      List<String> tenants = new ArrayList<>(List.of("demo"));
      for (int i = 1; i <= idleTenants; i++) {
        tenants.add("idle-" + i);
      }
      ArrayNode tenantJson = JSON.createArrayNode();
      for (String tenant : tenants) {
        String name = DB_PREFIX + tenant.replace('-', '_');
        recreate(admin, name);
        try (Database db = new Database(tenant, admin.withDatabase(name), DbSettings.local("civic-workers-setup", 1),
            CredentialSource.fromUrl())) {
          new SchemaInstaller(db, schema).apply(true);
        }
        tenantJson.addObject().put("id", tenant).put("database", name);
      }
      LocalS3 s3 = LocalS3.start(dir.resolve("s3"));
      started_.add(s3);
      Files.createDirectories(outbox);
      Map<String, String> overrides = new HashMap<>();
      overrides.put("DATABASE_URL", "postgres://" + admin.user() + (admin.password() == null ? "" : ":" + admin.password())
          + "@" + admin.host() + ":" + admin.port() + "/" + admin.database());
      overrides.put("TENANTS", tenantJson.toString());
      overrides.put("S3_ENDPOINT", s3.endpoint().toString());
      overrides.put("S3_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
      overrides.put("S3_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
      overrides.put("S3_BUCKET", BUCKET);
      overrides.put("MAIL_TRANSPORT", "outbox");
      overrides.put("OUTBOX_DIR", outbox.toString());
      overrides.put("DB_RELEASE", "evict");
      Env workerEnv = env.with(overrides);
      AwsClients aws = AwsClients.fromEnv(workerEnv);
      S3Clients.client(S3Settings.fromEnv(workerEnv), aws).createBucket(BUCKET);
      out.printf("local: S3 at %s (bucket %s), outbox %s, tenants %s%n", s3.endpoint(), BUCKET, outbox, tenants);

      PollerConfig config = PollerConfig.fromEnv(workerEnv);
      DatabaseUrl demoUrl = admin.withDatabase(DB_PREFIX + "demo");
      try (LocalFunctions functions = new LocalFunctions(workerEnv, aws, config, Optional.empty(),
              (definition, e) -> MailTransport.workers(definition, e, aws));
          TenantDatabases pollerPools = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws));
          Database seedDb = new Database("demo-browser", demoUrl, DbSettings.local("local-demo-browser", 2),
              CredentialSource.fromUrl());
          Connection monitor = connect(admin);
          Connection demoMonitor = connect(demoUrl)) {
        Poller poller = new Poller(config, pollerPools, functions.invoker(), InstantSource.system(), RetryPolicy.standard());
        DemoSeeder seeder = new DemoSeeder(seedDb);
        seeder.seedNotifications(notifications);
        ExecutorService browser = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("browser-", 0).factory());
        for (int i = 0; i < uploads; i++) {
          int number = i;
          browser.submit(() -> seeder.upload(number, Duration.ofSeconds(60)));
        }
        browser.shutdown();
        out.printf("local: seeded %d notifications, 2 template checks, %d uploads (browser simulation)%n",
            notifications, uploads);

        boolean terminal = System.console() != null;
        long maxConnections = 0;
        Status status;
        do {
          poller.tick("local-" + UUID.randomUUID());
          status = Status.read(monitor, demoMonitor, schema, config);
          maxConnections = Math.max(maxConnections, status.workerConnections());
          String line = status.line();
          if (terminal) {
            out.print("\r" + line + "   ");
          } else {
            out.println(line);
          }
          if (exitWhenIdle && browser.isTerminated() && status.unfinished() == 0 && functions.invoker().inFlight() == 0) {
            break;
          }
          for (int i = 0; i < 10 && !stop.await(tick.toMillis() / 10, TimeUnit.MILLISECONDS); i++) {
            Status now = Status.read(monitor, demoMonitor, schema, config);
            maxConnections = Math.max(maxConnections, now.workerConnections());
          }
        } while (stop.getCount() > 0);
        if (terminal) {
          out.println();
        }
        browser.shutdownNow();
        functions.invoker().shutdown(Duration.ofSeconds(60));
        status = Status.read(monitor, demoMonitor, schema, config);
        // A closed connection's server process exits a moment after the socket closes.
        for (int i = 0; i < 20 && status.workerConnections() > 0; i++) {
          Thread.sleep(100);
          status = Status.read(monitor, demoMonitor, schema, config);
        }
        long emails;
        try (Stream<Path> files = Files.list(outbox)) {
          emails = files.filter(f -> f.toString().endsWith(".eml")).count();
        }
        long thumbnails = S3Clients.client(S3Settings.fromEnv(workerEnv), aws).listKeys(BUCKET, "").stream()
            .filter(key -> key.contains("/thumb-")).count();
        out.printf("local: summary after %ds: %s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds(),
            status.counts());
        out.printf("local: %d uploads done (%d failed), %d thumbnails in S3, %d emails in %s, "
            + "at most %d worker connections at once, %d now%n", seeder.uploadsDone.get(), seeder.uploadsFailed.get(),
            thumbnails, emails, outbox, maxConnections, status.workerConnections());
        boolean clean = seeder.uploadsFailed.get() == 0 && status.unfinished() == 0 && status.failedJobs() == 0;
        return exitWhenIdle && !clean ? 1 : 0;
      }
    } finally {
      for (int i = started_.size() - 1; i >= 0; i--) {
        started_.get(i).close();
      }
      done.countDown();
    }
  }

  /**
   * What the status line shows, read on monitoring connections of its own (application name {@code local-status},
   * so they never count as worker connections).
   */
  record Status(long workerConnections, long unfinished, long failedJobs, String counts, String line) {
    static Status read(Connection server, Connection demo, RiverSchema schema, PollerConfig config) throws SQLException {
      long connections;
      try (PreparedStatement st = server.prepareStatement(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'civic-workers/%'");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        connections = rs.getLong(1);
      }
      Map<String, Map<String, Long>> byQueue = new java.util.TreeMap<>();
      try (PreparedStatement st = demo.prepareStatement(schema.apply(
          "SELECT queue, state::text, count(*) FROM ${schema}.river_job GROUP BY queue, state"));
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          byQueue.computeIfAbsent(rs.getString(1), q -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getLong(3));
        }
      }
      long unfinished = 0;
      long failed = 0;
      StringBuilder done = new StringBuilder("done");
      StringBuilder waiting = new StringBuilder("waiting");
      StringBuilder counts = new StringBuilder();
      for (PollerConfig.QueueTarget target : config.queues()) {
        Map<String, Long> states = byQueue.getOrDefault(target.queue(), Map.of());
        long queueUnfinished = states.entrySet().stream()
            .filter(e -> !e.getKey().equals("completed") && !e.getKey().equals("cancelled") && !e.getKey().equals("discarded"))
            .mapToLong(Map.Entry::getValue).sum();
        unfinished += queueUnfinished;
        failed += states.getOrDefault("cancelled", 0L) + states.getOrDefault("discarded", 0L);
        done.append(' ').append(target.queue()).append(' ').append(states.getOrDefault("completed", 0L));
        waiting.append(' ').append(target.queue()).append(' ').append(queueUnfinished);
        counts.append(counts.length() == 0 ? "" : "; ").append(target.queue()).append(' ').append(states);
      }
      String line = java.time.LocalTime.now().withNano(0) + " " + done + " | " + waiting + " | worker connections "
          + connections;
      return new Status(connections, unfinished, failed, counts.toString(), line);
    }
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", url.user());
    if (url.password() != null) {
      props.setProperty("password", url.password());
    }
    props.setProperty("ApplicationName", "local-status");
    return java.sql.DriverManager.getConnection(url.jdbcUrl(), props);
  }

  private static void recreate(DatabaseUrl admin, String name) throws SQLException {
    try (Connection c = connect(admin); var st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + name);
    }
  }

  private LocalCommand() {
  }
}
