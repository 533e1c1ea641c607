package org.civicos.workers.reliability;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.S3Addressing;
import org.civicos.workers.aws.S3ObjectClient;
import org.civicos.workers.aws.S3RequestSigner;
import org.civicos.workers.aws.AwsJsonApi;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.notification.Email;
import org.civicos.workers.notification.Mailer;
import org.civicos.workers.notification.NotificationWiring;
import org.civicos.workers.notification.SesApi;
import org.civicos.workers.notification.SesMailer;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.LocalInvoker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.s3.S3SignerWiring;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.S3TestServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.ses.FakeSesServer;
import org.civicos.workers.testing.ses.RecordedSesRequest;
import org.civicos.workers.thumbnail.BlobStore;
import org.civicos.workers.thumbnail.S3BlobStore;
import org.civicos.workers.thumbnail.ThumbnailSettings;
import org.civicos.workers.thumbnail.ThumbnailWorker;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole system under faults, in one process: one tenant database seeded through the Civic OS triggers and
 * RPCs with jobs in every queue; the real workers of the three handler functions, each function in up to
 * {@code sandboxes} concurrent sandboxes of the {@link LocalInvoker} (own pools, like Lambda); the poller ticking
 * with a short {@code RESCUE_AFTER}; S3 and SES behind a {@link FaultProxy}; and a chaos thread that terminates
 * the handlers' backends (at random and at planted points: claim, job SQL, completion), abandons invocations
 * mid-batch (the sandbox dies: its connection is killed, it can open no other and make no further S3/SES call),
 * and optionally restarts PostgreSQL. Afterwards {@link #verify()} checks the guarantees and {@link Summary}
 * carries the numbers.
 *
 * <p>Retry backoff is compressed 100x (River's n⁴ s becomes n⁴ × 10 ms) so a run takes minutes, not days.
 */
public final class ChaosRig implements AutoCloseable {
  static final RiverSchema SCHEMA = new RiverSchema("metadata");
  static final String BUCKET = "civic-os-files";
  static final String HANDLER_APPS = "civic-workers/chaos-h-%";

  /** What to run. */
  public record Options(int files, int uploads, int notifications, int templateChecks, int sandboxes,
      double s3FaultRate, double sesFaultRate, Duration faultPhase, Duration rescueAfter, Duration jobTimeout,
      Duration invocationBudget, boolean dbFaults, boolean abandon, Optional<Runnable> restartPostgres,
      Duration limit, long seed) {
    static Options quick() {
      return new Options(150, 300, 400, 150, 3, 0.12, 0.12, Duration.ofSeconds(25), Duration.ofSeconds(12),
          Duration.ofSeconds(6), Duration.ofSeconds(10), true, true, Optional.empty(), Duration.ofMinutes(4), 42);
    }

    int jobs() {
      return files + uploads + notifications + templateChecks;
    }
  }

  /** The numbers of a run. */
  public record Summary(Map<String, Long> jobsByState, int jobs, long plantedPermanent, Map<String, Long> faults,
      long retries, long rescues, long overlaps, long duplicateSends, long sendsInFlightAtKill,
      long resendsAfterKill, long invocations, long failedInvocations, Duration elapsed) {
    public String render() {
      StringBuilder out = new StringBuilder();
      out.append(String.format("chaos: %d jobs in %s (%d invocations, %d ended with an error)%n", jobs,
          elapsed.toSeconds() + "s", invocations, failedInvocations));
      out.append("  final states: ").append(jobsByState).append(" (planted permanent: ").append(plantedPermanent)
          .append(")\n");
      out.append("  faults injected: ").append(faults).append(" = ")
          .append(faults.values().stream().mapToLong(Long::longValue).sum()).append('\n');
      out.append(String.format("  retries (failed attempts recorded): %d, rescues: %d%n", retries, rescues));
      out.append(String.format("  duplicates (same job running in two invocations at once): %d%n", overlaps));
      out.append(String.format("  notifications sent twice (not explained by a kill mid-send): %d%n",
          duplicateSends));
      out.append(String.format("  emails accepted by SES but not yet recorded when their sandbox was killed: %d "
          + "(sent again after the rescue: %d)%n",
          sendsInFlightAtKill, resendsAfterKill));
      return out.toString();
    }
  }

  private final Options options;
  private final DatabaseUrl url;
  private final Random random;
  private final FaultProxy s3Proxy;
  private final FaultProxy sesProxy;
  private final FakeSesServer ses;
  private final S3ObjectClient s3;
  private final SesApi sesClient;
  private final LocalInvoker invoker = new LocalInvoker(InstantSource.system());
  private final TenantDirectory tenants;
  private final RetryPolicy fastRetry = new RetryPolicy(() -> -4.45); // jitter factor 0.01: n⁴ × 10 ms
  private final Env env;
  private final Map<String, AtomicLong> faults = new ConcurrentHashMap<>();
  private final Set<Long> planted = ConcurrentHashMap.newKeySet();
  private final Map<Long, Incarnation> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong overlaps = new AtomicLong();
  private final List<String> overlapDetails = new ArrayList<>();
  private final Set<String> killWindowSubjects = ConcurrentHashMap.newKeySet();
  private final List<Incarnation> live = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger incarnations = new AtomicInteger();
  private final AtomicBoolean chaos = new AtomicBoolean();
  private final AtomicReference<Throwable> chaosError = new AtomicReference<>();
  private Duration elapsed = Duration.ZERO;

  public ChaosRig(Options options) {
    this.options = options;
    this.random = new Random(options.seed());
    this.url = TestDatabases.withCivicOs("chaos");
    this.tenants = new TenantDirectory(List.of(new Tenant("chaos", url)));
    S3TestServer.bucket(BUCKET);
    this.s3Proxy = FaultProxy.start(S3TestServer.endpoint(), FaultProxy.Flavor.S3, Duration.ofSeconds(3));
    this.ses = FakeSesServer.start();
    this.sesProxy = FaultProxy.start(ses.endpoint(), FaultProxy.Flavor.SES, Duration.ofSeconds(3));
    var http = new org.civicos.workers.aws.UrlConnectionTransport(Duration.ofSeconds(1), Duration.ofMillis(1500));
    // The thumbnail worker's own S3 client through the fault proxy (its retries meet the planted faults).
    this.s3 = new S3ObjectClient(http, new S3Addressing(s3Proxy.endpoint(), true), new S3RequestSigner(
        StaticCredentialsProvider.create(AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)),
        "us-east-1", Clock.systemUTC()));
    this.sesClient = new SesApi(new AwsJsonApi(http, StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKID", "secret")), "ses", Region.US_EAST_1, sesProxy.endpoint(), Clock.systemUTC()));
    Map<String, String> values = new HashMap<>();
    values.put("DATABASE_URL", "postgres://" + url.user() + ":" + url.password() + "@" + url.host() + ":"
        + url.port() + "/" + url.database());
    values.put("S3_ENDPOINT", s3Proxy.endpoint().toString());
    values.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
    values.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
    values.put("SES_FROM", "\"Civic OS\" <noreply@example.org>");
    this.env = new Env(values);
  }

  public DatabaseUrl url() {
    return url;
  }

  // ---- seeding -----------------------------------------------------------------------------------------------

  /** Jobs in every queue, created the way Civic OS creates them, a few with a planted permanent fault. */
  public void seed() throws Exception {
    byte[][] images = new byte[8][];
    for (int i = 0; i < images.length; i++) {
      images[i] = image(240 + 40 * i, 180 + 20 * i, i);
    }
    try (S3Client direct = S3TestServer.client()) {
      for (int i = 0; i < options.files(); i++) {
        String key = "Issue/" + i + "/" + UUID.randomUUID() + "/original.jpg";
        boolean missing = i % 50 == 7;
        boolean foreign = i % 50 == 13;
        if (!missing && !foreign) {
          byte[] bytes = images[i % images.length];
          direct.putObject(r -> r.bucket(BUCKET).key(key).contentType("image/jpeg"),
              software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
        }
        Sql.update(url, "INSERT INTO metadata.files (entity_type, entity_id, file_name, file_type, file_size, "
            + "s3_bucket, s3_original_key) VALUES ('Issue', ?, 'photo.jpg', 'image/jpeg', 1000, ?, ?)",
            Integer.toString(i), foreign ? "someone-elses-bucket" : BUCKET, key);
      }
    }
    for (int i = 0; i < options.uploads(); i++) {
      String entityType = i % 60 == 11 ? "../etc" : "Issue";
      Sql.rows(url, "SELECT request_upload_url(?, ?, 'Street Photo.JPG', 'image/jpeg')", entityType,
          Integer.toString(i));
    }
    Sql.update(url, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, "
        + "text_template) VALUES ('chaos', 'Chaos {{.Entity.n}}', '<p>Hello {{.Entity.name}}</p>', "
        + "'Hello {{.Entity.name}}'), ('broken', 'Broken {{.Entity.n', '<p>x</p>', 'x')");
    int users = 20;
    for (int u = 0; u < users; u++) {
      String id = new UUID(0, u + 1).toString();
      Sql.update(url, "INSERT INTO metadata.civic_os_users (id, display_name) VALUES (?::uuid, ?)", id, "User " + u);
      if (u != users - 1) { // the last user has no email address: a planted permanent failure
        Sql.update(url, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) VALUES (?::uuid, ?, ?)",
            id, "User " + u, "user" + u + "@example.org");
      }
    }
    for (int i = 0; i < options.notifications(); i++) {
      boolean broken = i % 80 == 17;
      int user = i % 97 == 5 ? users - 1 : i % (users - 1);
      Sql.rows(url, "SELECT create_notification(?::uuid, ?, 'Issue', ?, ?::jsonb)", new UUID(0, user + 1).toString(),
          broken ? "broken" : "chaos", Integer.toString(i), "{\"n\": " + i + ", \"name\": \"Résumé ✓ " + i + "\"}");
    }
    for (int i = 0; i < options.templateChecks(); i++) {
      if (i % 2 == 0) {
        Sql.rows(url, "SELECT validate_template_parts(p_subject_template => ?, p_html_template => ?)",
            "Subject {{.Entity.n}}", i % 10 == 0 ? "<a href=\"{{.Entity.url}}>" : "<b>{{.Entity.n}}</b>");
      } else {
        Sql.rows(url, "SELECT preview_template_parts(p_subject_template => ?, p_sample_entity_data => ?::jsonb)",
            "Preview {{.Entity.n}}", "{\"n\": " + i + "}");
      }
    }
    // The jobs a planted permanent fault must cancel.
    Sql.rows(url, """
        SELECT j.id FROM metadata.river_job j
        WHERE (j.kind = 'thumbnail_generate' AND EXISTS (SELECT 1 FROM metadata.files f WHERE f.id::text = j.args->>'file_id'
                 AND (f.s3_bucket <> 'civic-os-files' OR f.entity_id::int % 50 = 7)))
           OR (j.kind = 's3_presign' AND j.args->>'entity_type' = '../etc')
           OR (j.kind = 'send_notification' AND (j.args->>'template_name' = 'broken'
                 OR j.args->>'user_id' = ?))
        """, new UUID(0, users).toString()).forEach(r -> planted.add(((Number) r.get("id")).longValue()));
    long seeded = Sql.count(url, "SELECT count(*) FROM metadata.river_job");
    if (seeded != options.jobs()) {
      throw new IllegalStateException("seeded " + seeded + " jobs, expected " + options.jobs());
    }
  }

  private static byte[] image(int width, int height, int variant) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.getHSBColor(variant / 8f, 0.6f, 0.8f), width, height,
        Color.DARK_GRAY));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  // ---- wiring ------------------------------------------------------------------------------------------------

  /** One life of a sandbox: its pools, its workers; dead once killed (no statement, no S3/SES call after). */
  final class Incarnation implements LocalInvoker.Sandbox {
    final String function;
    final String application;
    final AtomicBoolean dead = new AtomicBoolean();
    /** Subjects this sandbox got accepted by SES: the ones not yet recorded when it dies may go out again. */
    final Set<String> sentHere = ConcurrentHashMap.newKeySet();
    final TenantDatabases pools;
    final QueueHandler handler;
    volatile boolean busy;

    Incarnation(QueueCatalog.Entry entry) {
      this.function = entry.function();
      this.application = "civic-workers/chaos-h-" + entry.queue() + "-" + incarnations.incrementAndGet();
      DbSettings db = new DbSettings(application, DbSettings.AuthMode.PASSWORD, 1, DbSettings.ReleasePolicy.EVICT,
          Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(10), Optional.empty(), Optional.empty());
      CredentialSource credentials = target -> {
        if (dead.get()) {
          throw new IllegalStateException("sandbox killed: no new connection");
        }
        return target.password();
      };
      this.pools = new TenantDatabases(db, credentials);
      List<JobWorker<?>> workers = switch (entry.queue()) {
        case QueueCatalog.S3_SIGNER -> S3SignerWiring.workers(env, new AwsClients(Region.US_EAST_1,
            AnonymousCredentialsProvider.create()));
        case QueueCatalog.THUMBNAILS -> List.of(new ThumbnailWorker(ThumbnailSettings.fromEnv(env),
            gated(new S3BlobStore(s3)), new ThumbnailRenderer(ThumbnailSettings.DEFAULT_MAX_BYTES,
            ThumbnailSettings.DEFAULT_MAX_PIXELS)));
        default -> NotificationWiring.workers(env, gated(new SesMailer(sesClient)));
      };
      List<JobWorker<?>> tracked = workers.stream().<JobWorker<?>>map(w -> track(w, this)).toList();
      this.handler = new QueueHandler(function, entry.spec(), tenants, pools, SCHEMA, tracked,
          new DrainSettings(entry.queue().equals(QueueCatalog.THUMBNAILS) ? 4 : 10, 4, Duration.ofSeconds(1),
              Optional.of(options.jobTimeout())), invoker, InstantSource.system(), fastRetry);
    }

    @Override
    public void invoke(Activation activation, Deadline deadline, String invocationId) {
      busy = true;
      try {
        handler.handle(activation, deadline, invocationId, Optional.of(function));
      } finally {
        busy = false;
      }
    }

    void kill() {
      if (dead.compareAndSet(false, true)) {
        // Its jobs are gone with it: whatever they still do can have no effect.
        inFlight.values().removeIf(owner -> owner == this);
        PgFaults.terminate(url, application);
        // An email SES accepted whose row was not yet recorded 'sent' is in the at-least-once window.
        for (String subject : sentHere) {
          boolean recorded;
          try {
            recorded = Sql.count(url, "SELECT count(*) FROM metadata.notifications WHERE entity_id = ? "
                + "AND status = 'sent'", subject.substring("Chaos ".length())) > 0;
          } catch (RuntimeException e) {
            recorded = false; // the database is restarting: cannot tell
          }
          if (!recorded) {
            killWindowSubjects.add(subject);
          }
        }
        count("invocation killed mid-batch");
      }
    }

    @Override
    public void close() {
      pools.close();
    }

    private BlobStore gated(BlobStore store) {
      return new BlobStore() {
        @Override
        public Optional<Long> size(String bucket, String key) {
          alive();
          return store.size(bucket, key);
        }

        @Override
        public byte[] read(String bucket, String key, long maxBytes) {
          alive();
          return store.read(bucket, key, maxBytes);
        }

        @Override
        public void write(String bucket, String key, byte[] bytes, String contentType, boolean publicRead) {
          alive();
          store.write(bucket, key, bytes, contentType, publicRead);
        }
      };
    }

    private Mailer gated(Mailer mailer) {
      return email -> {
        alive();
        String id = mailer.send(email);
        sentHere.add(email.subject());
        if (dead.get()) {
          killWindowSubjects.add(email.subject());
        }
        return id;
      };
    }

    private void alive() {
      if (dead.get()) {
        throw new IllegalStateException("sandbox killed");
      }
    }
  }

  /** A sandbox slot of the invoker: replaces its incarnation after a kill, as Lambda starts a fresh sandbox. */
  final class Slot implements LocalInvoker.Sandbox {
    final QueueCatalog.Entry entry;
    Incarnation current;

    Slot(QueueCatalog.Entry entry) {
      this.entry = entry;
      this.current = fresh();
    }

    private Incarnation fresh() {
      Incarnation incarnation = new Incarnation(entry);
      live.add(incarnation);
      return incarnation;
    }

    @Override
    public void invoke(Activation activation, Deadline deadline, String invocationId) {
      Incarnation incarnation = current;
      try {
        incarnation.invoke(activation, deadline, invocationId);
      } finally {
        if (incarnation.dead.get()) {
          live.remove(incarnation);
          incarnation.close();
          current = fresh();
        }
      }
    }

    @Override
    public void close() {
      current.close();
    }
  }

  private <A> JobWorker<A> track(JobWorker<A> worker, Incarnation owner) {
    return new JobWorker<>() {
      @Override
      public String kind() {
        return worker.kind();
      }

      @Override
      public Class<A> argsType() {
        return worker.argsType();
      }

      @Override
      public Duration timeout() {
        return worker.timeout();
      }

      @Override
      public JobOutcome execute(JobContext context, A args) throws Exception {
        long id = context.job().id();
        Incarnation previous = inFlight.putIfAbsent(id, owner);
        if (previous != null) {
          overlaps.incrementAndGet();
          synchronized (overlapDetails) {
            overlapDetails.add("job " + id + " attempt " + context.job().attempt() + " in " + owner.application
                + " while running in " + previous.application);
          }
        }
        try {
          return worker.execute(context, args);
        } finally {
          inFlight.remove(id, owner);
        }
      }
    };
  }

  private void count(String fault) {
    faults.computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
  }

  // ---- run ---------------------------------------------------------------------------------------------------

  /** Runs until every job is finalized (or the limit), with faults during the fault phase only. */
  public Summary run() throws Exception {
    long started = System.nanoTime();
    for (QueueCatalog.Entry entry : QueueCatalog.all()) {
      invoker.register(entry.function(), () -> new Slot(entry), options.sandboxes(), options.invocationBudget());
    }
    List<PollerConfig.QueueTarget> targets = QueueCatalog.all().stream()
        .map(e -> new PollerConfig.QueueTarget(e, e.function(), e.queue().equals(QueueCatalog.THUMBNAILS) ? 8 : 20,
            options.sandboxes())).toList();
    MaintenanceSettings maintenance = new MaintenanceSettings(options.rescueAfter(), Duration.ofHours(24),
        Duration.ofHours(24), Duration.ofDays(7), 1000, 10, Duration.ofSeconds(15));
    Thread chaosThread;
    try (TenantDatabases pollerPools = new TenantDatabases(DbSettings.local("civic-workers/chaos-poller", 1),
        CredentialSource.fromUrl())) {
      Poller poller = new Poller(new PollerConfig(SCHEMA, DbSettings.local("civic-workers/chaos-poller", 1),
          maintenance, 1, targets, tenants), pollerPools, invoker, InstantSource.system(), fastRetry);
      s3Proxy.plan(r -> chaos.get() && random() < options.s3FaultRate() ? s3Fault() : FaultProxy.Fault.NONE);
      sesProxy.plan(r -> chaos.get() && random() < options.sesFaultRate() ? sesFault() : FaultProxy.Fault.NONE);
      chaos.set(true);
      chaosThread = Thread.ofPlatform().name("chaos").start(this::chaosLoop);
      long end = started + options.limit().toNanos();
      int tick = 0;
      while (System.nanoTime() < end) {
        if (chaos.get() && System.nanoTime() - started > options.faultPhase().toNanos()) {
          chaos.set(false);
        }
        try {
          poller.tick("chaos-" + tick++);
        } catch (RuntimeException e) {
          count("poller tick failed");
        }
        if (!chaos.get() && unfinished() == 0 && invoker.inFlight() == 0) {
          break;
        }
        Thread.sleep(500);
      }
      chaos.set(false);
      chaosThread.join(30_000);
      invoker.awaitIdle(Duration.ofSeconds(60));
    }
    elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (chaosError.get() != null) {
      throw new IllegalStateException("the chaos thread failed", chaosError.get());
    }
    return summary();
  }

  private double random() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  private FaultProxy.Fault s3Fault() {
    FaultProxy.Fault[] all = {FaultProxy.Fault.SERVER_ERROR, FaultProxy.Fault.THROTTLE, FaultProxy.Fault.TIMEOUT,
        FaultProxy.Fault.RESET, FaultProxy.Fault.RESET_AFTER_FORWARD};
    return all[(int) (random() * all.length)];
  }

  /** Only faults that keep the email from SES: a planted fault must never cause a send the worker cannot see. */
  private FaultProxy.Fault sesFault() {
    FaultProxy.Fault[] all = {FaultProxy.Fault.SERVER_ERROR, FaultProxy.Fault.THROTTLE, FaultProxy.Fault.TIMEOUT,
        FaultProxy.Fault.RESET};
    return all[(int) (random() * all.length)];
  }

  private long unfinished() {
    return Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE finalized_at IS NULL");
  }

  private void chaosLoop() {
    Random local = new Random(options.seed() + 1);
    boolean restarted = options.restartPostgres().isEmpty();
    long phaseStart = System.nanoTime();
    int round = 0;
    try {
      while (chaos.get()) {
        Thread.sleep(400 + local.nextInt(400));
        if (!chaos.get()) {
          break;
        }
        round++;
        if (!restarted && System.nanoTime() - phaseStart > options.faultPhase().toNanos() / 2) {
          restarted = true;
          options.restartPostgres().get().run();
          count("postgres restarted");
          continue;
        }
        int pick = local.nextInt(10);
        try {
          if (options.dbFaults() && pick < 3) {
            List<Integer> active = PgFaults.active(url, HANDLER_APPS);
            if (!active.isEmpty() && PgFaults.terminatePid(url, active.get(local.nextInt(active.size())))) {
              count("backend terminated mid-statement");
            }
          } else if (options.dbFaults() && pick < 6) {
            trap(round % 3);
          } else if (options.abandon() && pick < 8) {
            List<Incarnation> busy = live.stream().filter(i -> i.busy && !i.dead.get()).toList();
            if (!busy.isEmpty()) {
              busy.get(local.nextInt(busy.size())).kill();
            }
          }
        } catch (RuntimeException e) {
          // the database may be restarting: a fault that could not be planted is simply not counted
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      chaosError.set(e);
    }
  }

  /** A planted backend termination at one point: 0 claim, 1 a job's own SQL, 2 the batch completion. */
  private void trap(int point) throws InterruptedException {
    String lock = switch (point) {
      case 0 -> "LOCK TABLE metadata.river_queue IN ACCESS EXCLUSIVE MODE";
      case 1 -> "SELECT 1 FROM metadata.notifications WHERE status = 'pending' ORDER BY id LIMIT 20 FOR UPDATE";
      default -> "SELECT 1 FROM metadata.river_job WHERE state = 'running' FOR UPDATE";
    };
    String name = switch (point) {
      case 0 -> "backend terminated during claim";
      case 1 -> "backend terminated during a job's own SQL";
      default -> "backend terminated during completion";
    };
    try (PgFaults.Trap trap = PgFaults.trap(url, lock)) {
      if (trap.awaitAndTerminate(HANDLER_APPS, Duration.ofSeconds(2)) != null) {
        count(name);
      }
    }
  }

  // ---- verification ------------------------------------------------------------------------------------------

  private Summary summary() {
    Map<String, Long> states = new LinkedHashMap<>();
    Sql.rows(url, "SELECT state::text AS s, count(*) AS n FROM metadata.river_job GROUP BY 1 ORDER BY 1")
        .forEach(r -> states.put((String) r.get("s"), ((Number) r.get("n")).longValue()));
    Map<String, Long> injected = new LinkedHashMap<>();
    faults.forEach((k, v) -> injected.put(k, v.get()));
    for (FaultProxy.Fault f : FaultProxy.Fault.values()) {
      if (f != FaultProxy.Fault.NONE) {
        if (s3Proxy.count(f) > 0) {
          injected.put("s3 " + f.name().toLowerCase(), s3Proxy.count(f));
        }
        if (sesProxy.count(f) > 0) {
          injected.put("ses " + f.name().toLowerCase(), sesProxy.count(f));
        }
      }
    }
    long retries = Sql.count(url, "SELECT coalesce(sum(cardinality(errors)), 0) FROM metadata.river_job");
    long rescues = Sql.count(url,
        "SELECT coalesce(sum((metadata->>'river:rescue_count')::int), 0) FROM metadata.river_job");
    Map<String, Integer> sends = sendsBySubject();
    long afterRecorded = sends.entrySet().stream()
        .filter(e -> e.getValue() > 1 && !killWindowSubjects.contains(e.getKey())).count();
    long resendsAfterKill = killWindowSubjects.stream().filter(s -> sends.getOrDefault(s, 0) > 1).count();
    return new Summary(states, options.jobs(), planted.size(), injected, retries, rescues, overlaps.get(),
        afterRecorded, killWindowSubjects.size(), resendsAfterKill, invoker.invocations(), invoker.failures(),
        elapsed);
  }

  Map<String, Integer> sendsBySubject() {
    Map<String, Integer> sends = new HashMap<>();
    for (RecordedSesRequest r : ses.sendEmailRequests()) {
      sends.merge(r.subject().data(), 1, Integer::sum);
    }
    return sends;
  }

  /** The guarantees; returns the list of violations (empty when all hold). */
  public List<String> verify() {
    List<String> problems = new ArrayList<>();
    if (overlaps.get() > 0) {
      problems.add(overlaps.get() + " jobs ran in two invocations at once: " + overlapDetails);
    }
    long running = Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'running'");
    if (running > 0) {
      problems.add(running + " jobs still running after the rescue delay");
    }
    for (Map<String, Object> r : Sql.rows(url, "SELECT id, kind, state::text AS state, errors::text AS errors "
        + "FROM metadata.river_job ORDER BY id")) {
      long id = ((Number) r.get("id")).longValue();
      String state = (String) r.get("state");
      boolean expectCancelled = planted.contains(id);
      if (expectCancelled ? !state.equals("cancelled") : !state.equals("completed")) {
        problems.add("job " + id + " (" + r.get("kind") + ") is " + state + (expectCancelled ? " but a permanent "
            + "fault was planted" : "") + ": " + abbreviate((String) r.get("errors")));
      }
    }
    // Side effects: each thumbnailed file has exactly its original and the same three thumbnails.
    for (Map<String, Object> f : Sql.rows(url, "SELECT s3_original_key, s3_thumbnail_small_key, "
        + "s3_thumbnail_medium_key, s3_thumbnail_large_key FROM metadata.files WHERE thumbnail_status = 'completed'")) {
      String original = (String) f.get("s3_original_key");
      String dir = original.substring(0, original.lastIndexOf('/') + 1);
      Set<String> keys = new java.util.TreeSet<>();
      try (S3Client direct = S3TestServer.client()) {
        direct.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(dir)).contents().stream().map(S3Object::key)
            .forEach(keys::add);
      }
      Set<String> expected = new java.util.TreeSet<>(List.of(original, dir + "thumb-small.jpg",
          dir + "thumb-medium.jpg", dir + "thumb-large.jpg"));
      if (!keys.equals(expected) || !expected.contains((String) f.get("s3_thumbnail_small_key"))) {
        problems.add("objects under " + dir + ": " + keys);
      }
    }
    long filesNotDone = Sql.count(url, "SELECT count(*) FROM metadata.files WHERE thumbnail_status NOT IN "
        + "('completed', 'failed')");
    if (filesNotDone > 0) {
      problems.add(filesNotDone + " files rows neither completed nor failed");
    }
    long uploadsNotDone = Sql.count(url, "SELECT count(*) FROM metadata.file_upload_requests WHERE status NOT IN "
        + "('completed', 'failed') OR (status = 'completed' AND presigned_url IS NULL)");
    if (uploadsNotDone > 0) {
      problems.add(uploadsNotDone + " upload requests not completed");
    }
    long checksNotDone = Sql.count(url, "SELECT count(*) FROM metadata.template_validation_results "
        + "WHERE status <> 'completed'");
    if (checksNotDone > 0) {
      problems.add(checksNotDone + " template checks not completed");
    }
    Map<String, Integer> sends = sendsBySubject();
    for (Map<String, Object> n : Sql.rows(url, "SELECT entity_id, status FROM metadata.notifications "
        + "WHERE template_name = 'chaos'")) {
      String subject = "Chaos " + n.get("entity_id");
      int count = sends.getOrDefault(subject, 0);
      if ("sent".equals(n.get("status")) && count == 0) {
        problems.add("notification " + subject + " marked sent but never sent");
      }
      if (count > 1 && !killWindowSubjects.contains(subject)) {
        problems.add("notification " + subject + " sent " + count + " times");
      }
    }
    long parts = Sql.count(url, "SELECT count(*) FROM (SELECT validation_id, part_name FROM "
        + "metadata.template_part_validation_results GROUP BY 1, 2 HAVING count(*) > 1) d");
    if (parts > 0) {
      problems.add(parts + " template part results written twice");
    }
    return problems;
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() > 400 ? text.substring(0, 400) + "..." : text;
  }

  @Override
  public void close() {
    chaos.set(false);
    invoker.close();
    s3Proxy.close();
    sesProxy.close();
    ses.close();
  }

  static long threadRandom(long bound) {
    return ThreadLocalRandom.current().nextLong(bound);
  }
}
