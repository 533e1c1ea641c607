package org.civicos.workers.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.WorkersException;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseException;
import org.civicos.workers.queue.ClaimedJob;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.queue.JobState;
import org.civicos.workers.queue.JobStore;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The handler's loop (ARCHITECTURE §3): claim a batch of our kinds, run it with bounded parallelism, record
 * every outcome in one statement, repeat until a claim comes back empty or the remaining time can no longer
 * fit a job. Per-job failures become state transitions; only a database that stays unreachable ends the
 * invocation with an exception (rows it left running are rescued later).
 */
public final class DrainLoop {
  private static final Logger LOG = LoggerFactory.getLogger(DrainLoop.class);
  private static final int COMPLETION_ATTEMPTS = 3;
  private static final int TRACE_FRAMES = 25;
  private static final String TIMED_OUT = "job timed out after ";
  /** How long a timed-out job gets to stop after its interrupt before it counts as still running. */
  static final Duration STOP_GRACE = Duration.ofSeconds(1);

  /** A timed-out job whose thread is still running: a retry due soon could run beside it. */
  private static final class StillRunning extends Exception {
    final transient Thread thread;
    final Duration timeout;

    StillRunning(Thread thread, Duration timeout) {
      super(null, null, false, false);
      this.thread = thread;
      this.timeout = timeout;
    }
  }

  private static final ObjectMapper ARGS = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private final String tenant;
  private final JobStore store;
  private final Database database;
  private final Map<String, JobWorker<?>> workers;
  private final DrainSettings settings;
  private final InstantSource clock;
  private final RetryPolicy retryPolicy;
  private final Duration longestTimeout;
  private final RunawayJobs runaways;

  public DrainLoop(String tenant, JobStore store, Database database, Collection<? extends JobWorker<?>> workers,
      DrainSettings settings, InstantSource clock, RetryPolicy retryPolicy) {
    this(tenant, store, database, workers, settings, clock, retryPolicy, new RunawayJobs());
  }

  /** @param runaways this process's timed-out jobs still running, shared by every drain of the process */
  public DrainLoop(String tenant, JobStore store, Database database, Collection<? extends JobWorker<?>> workers,
      DrainSettings settings, InstantSource clock, RetryPolicy retryPolicy, RunawayJobs runaways) {
    this.runaways = runaways;
    this.tenant = tenant;
    this.store = store;
    this.database = database;
    this.workers = new LinkedHashMap<>();
    for (JobWorker<?> worker : workers) {
      if (this.workers.put(worker.kind(), worker) != null) {
        throw new IllegalArgumentException("two workers for kind " + worker.kind());
      }
    }
    this.settings = settings;
    this.clock = clock;
    this.retryPolicy = retryPolicy;
    this.longestTimeout = workers.stream().map(settings::timeoutFor).max(Duration::compareTo)
        .orElse(JobWorker.DEFAULT_TIMEOUT);
  }

  public DrainReport drain(String queue, Deadline deadline, String clientId) {
    Tally tally = new Tally();
    boolean lastClaimFull = false;
    while (true) {
      releaseStoppedRunaways();
      int limit = claimLimit(deadline);
      if (limit == 0) {
        if (tally.claims == 0) {
          LOG.warn("no time to run a single job: {} left, jobs may take {} plus a {} margin; raise the function "
              + "timeout or lower JOB_TIMEOUT", deadline.remaining(), longestTimeout, settings.safetyMargin());
        }
        return tally.report(DrainReport.StopReason.DEADLINE, lastClaimFull);
      }
      long claimStart = System.nanoTime();
      List<ClaimedJob> jobs = store.claim(queue, workers.keySet(), limit, clientId);
      tally.claimMillis.add(Duration.ofNanos(System.nanoTime() - claimStart).toMillis());
      tally.claims++;
      if (jobs.isEmpty()) {
        return tally.report(DrainReport.StopReason.DRAINED, false);
      }
      lastClaimFull = jobs.size() == limit;
      tally.claimed += jobs.size();
      List<StateChange> changes = runBatch(jobs, tally.jobMillis);
      Map<Long, JobState> written = completeWithRetry(changes);
      tally.count(changes, written);
    }
  }

  /** As many jobs as the remaining time fits: whole rounds of {@code parallelism} jobs at the longest timeout. */
  int claimLimit(Deadline deadline) {
    Duration usable = deadline.remaining().minus(settings.safetyMargin());
    if (usable.isNegative() || usable.isZero()) {
      return 0;
    }
    long rounds = usable.toMillis() / Math.max(1, longestTimeout.toMillis());
    long fitting = rounds * settings.parallelism();
    return (int) Math.min(settings.batchSize(), fitting);
  }

  private List<StateChange> runBatch(List<ClaimedJob> jobs, List<Long> jobMillis) {
    // The invocation's log context (request id, cold start...) follows each job onto its thread.
    Map<String, String> context = MDC.getCopyOfContextMap();
    // Up to `parallelism` supervisors take the batch's jobs in claim order, one at a time each; a supervisor
    // runs its job on a thread of the job's own so that a job past its timeout can be left behind.
    StateChange[] changes = new StateChange[jobs.size()];
    AtomicInteger next = new AtomicInteger();
    int supervisorCount = Math.min(settings.parallelism(), jobs.size());
    List<Future<?>> supervisors = new ArrayList<>(supervisorCount);
    try (ExecutorService threads = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("supervise-", 0).factory())) {
      for (int s = 0; s < supervisorCount; s++) {
        supervisors.add(threads.submit(() -> {
          for (int i = next.getAndIncrement(); i < jobs.size(); i = next.getAndIncrement()) {
            changes[i] = supervise(jobs.get(i), jobMillis, context);
          }
          return null;
        }));
      }
    }
    for (Future<?> supervisor : supervisors) {
      try {
        supervisor.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkersException("interrupted while collecting job results", e);
      } catch (ExecutionException e) {
        // supervise() catches everything a job can throw; this is a bug in the loop itself.
        throw new WorkersException("supervising a job of the batch failed", e.getCause());
      }
    }
    return java.util.Arrays.asList(changes);
  }

  private StateChange supervise(ClaimedJob job, List<Long> jobMillis, Map<String, String> context)
      throws InterruptedException {
    Instant startedAt = clock.instant();
    try {
      if (context != null) {
        MDC.setContextMap(context);
      }
      MDC.put("tenant", tenant);
      MDC.put("queue", job.queue());
      MDC.put("job_id", Long.toString(job.id()));
      MDC.put("kind", job.kind());
      MDC.put("attempt", Integer.toString(job.attempt()));
      JobOutcome outcome;
      StateChange change;
      try {
        outcome = run(job);
        change = StateChange.of(job, outcome, clock.instant(), startedAt, retryPolicy);
      } catch (StillRunning e) {
        // Recorded as a timeout now, but its retry is held: a retry due in seconds would run beside the thread
        // that is still going. The hold is lifted by a later drain once the thread stops (releaseStoppedRunaways).
        outcome = JobOutcome.failed(TIMED_OUT + human(e.timeout) + " and ignored interruption; its retry is held "
            + "until the run stops (at most " + human(settings.runawayHold()) + ")");
        Instant now = clock.instant();
        change = StateChange.of(job, outcome, now, startedAt, retryPolicy).heldUntil(now.plus(settings.runawayHold()));
        if (change.state() == JobState.RETRYABLE) {
          runaways.add(new RunawayJobs.Runaway(tenant, job.id(), job.attempt(), e.thread));
        }
      }
      long millis = Duration.between(startedAt, clock.instant()).toMillis();
      jobMillis.add(millis);
      boolean timedOut = outcome instanceof JobOutcome.Failed f && f.error().startsWith(TIMED_OUT);
      (timedOut ? LOG.atWarn() : LOG.atInfo())
          .addKeyValue("outcome", change.state().sql())
          .addKeyValue("duration_ms", millis)
          .log("job {} -> {}{}", job.id(), change.state().sql(), describe(outcome));
      return change;
    } finally {
      MDC.clear();
    }
  }

  private JobOutcome run(ClaimedJob job) throws InterruptedException, StillRunning {
    JobWorker<?> worker = workers.get(job.kind());
    if (worker == null) {
      return JobOutcome.failed("job kind is not registered in this handler: " + job.kind());
    }
    return runTyped(worker, job);
  }

  private <A> JobOutcome runTyped(JobWorker<A> worker, ClaimedJob job) throws InterruptedException, StillRunning {
    A args;
    try {
      args = ARGS.readValue(job.argsJson(), worker.argsType());
      if (args == null) {
        return JobOutcome.discarded("invalid args for " + job.kind() + ": args are JSON null");
      }
    } catch (JsonProcessingException e) {
      return JobOutcome.discarded("invalid args for " + job.kind() + ": " + e.getOriginalMessage()
          + locate(e));
    }
    JobContext context = new JobContext(tenant, job, database, clock);
    FutureTask<JobOutcome> task = new FutureTask<>(() -> worker.execute(context, args));
    Thread thread = Thread.ofVirtual().name("job-" + job.id()).start(task);
    Duration timeout = settings.timeoutFor(worker);
    try {
      JobOutcome outcome = task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return outcome == null ? JobOutcome.failed("worker returned no outcome") : outcome;
    } catch (TimeoutException e) {
      // Interrupt it and give it a moment to stop. Code that ignores interruption keeps running: recording a
      // retry now would let another invocation run the same job beside it.
      task.cancel(true);
      if (!thread.join(STOP_GRACE)) {
        throw new StillRunning(thread, timeout);
      }
      return JobOutcome.failed(TIMED_OUT + human(timeout));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PermanentJobException permanent) {
        return JobOutcome.cancelled(permanent.getMessage());
      }
      return new JobOutcome.Failed(describe(cause), trace(cause));
    }
  }

  /** Makes the held retries of this tenant's runaway jobs due now once their threads have stopped. */
  private void releaseStoppedRunaways() {
    Map<Long, Integer> stopped = runaways.stopped(tenant);
    if (stopped.isEmpty()) {
      return;
    }
    try {
      int released = store.releaseHeld(stopped);
      runaways.forget(tenant, stopped);
      LOG.info("released the held retries of {} timed-out jobs that have stopped ({} still held)", released,
          stopped.size() - released);
    } catch (DatabaseException e) {
      // The holds stay until a later drain or until they expire; nothing is lost.
      LOG.warn("releasing held retries of jobs {} failed: {}", stopped.keySet(), e.getMessage());
    }
  }

  private Map<Long, JobState> completeWithRetry(List<StateChange> changes) {
    DatabaseException last = null;
    for (int attempt = 1; attempt <= COMPLETION_ATTEMPTS; attempt++) {
      try {
        return store.complete(changes);
      } catch (DatabaseException e) {
        if (!e.isConnectionFailure()) {
          throw e;
        }
        last = e;
        LOG.warn("recording {} outcomes failed (attempt {} of {}): {}", changes.size(), attempt,
            COMPLETION_ATTEMPTS, e.getMessage());
        sleepQuietly(200L * attempt);
      }
    }
    throw last;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String locate(JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder(" (at $");
      for (var ref : mapping.getPath()) {
        path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
      }
      return path.append(')').toString();
    }
    return "";
  }

  private static String describe(JobOutcome outcome) {
    return switch (outcome) {
      case JobOutcome.Completed c -> "";
      case JobOutcome.Failed f -> ": " + f.error();
      case JobOutcome.Cancelled c -> ": " + c.reason();
      case JobOutcome.Discarded d -> ": " + d.reason();
      case JobOutcome.Snoozed s -> " for " + s.delay();
    };
  }

  static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis >= 3_600_000 && millis % 3_600_000 == 0) {
      return duration.toHours() + "h";
    }
    if (millis >= 60_000 && millis % 60_000 == 0) {
      return duration.toMinutes() + "m";
    }
    return millis % 1000 == 0 ? duration.toSeconds() + "s" : millis + "ms";
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getName() : message;
  }

  private static String trace(Throwable error) {
    if (error instanceof WorkersException) {
      return "";
    }
    StringWriter out = new StringWriter();
    StackTraceElement[] frames = error.getStackTrace();
    out.append(error.toString()).append('\n');
    PrintWriter writer = new PrintWriter(out);
    for (int i = 0; i < Math.min(frames.length, TRACE_FRAMES); i++) {
      writer.append("\tat ").append(frames[i].toString()).append('\n');
    }
    writer.flush();
    return out.toString();
  }

  private static final class Tally {
    int claims;
    int claimed;
    int completed;
    int retried;
    int discarded;
    int cancelled;
    int snoozed;
    int stale;
    final List<Long> jobMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Long> claimMillis = new ArrayList<>();

    void count(List<StateChange> changes, Map<Long, JobState> written) {
      for (StateChange change : changes) {
        JobState state = written.get(change.id());
        if (state == null) {
          stale++;
          continue;
        }
        switch (state) {
          case COMPLETED -> completed++;
          case RETRYABLE -> retried++;
          case AVAILABLE, SCHEDULED -> {
            if (change.attemptDelta() < 0) {
              snoozed++;
            } else {
              retried++;
            }
          }
          case DISCARDED -> discarded++;
          case CANCELLED -> cancelled++;
          default -> { }
        }
      }
    }

    DrainReport report(DrainReport.StopReason reason, boolean lastClaimFull) {
      return new DrainReport(claims, claimed, completed, retried, discarded, cancelled, snoozed, stale, reason,
          reason == DrainReport.StopReason.DEADLINE && lastClaimFull, jobMillis, claimMillis);
    }
  }
}
