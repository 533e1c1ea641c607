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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  /** How long a timed-out job gets to stop after its interrupt before it counts as still running. */
  static final Duration STOP_GRACE = Duration.ofSeconds(1);

  /** A timed-out job whose thread is still running: recording an outcome would let a retry run beside it. */
  private static final class StillRunning extends Exception {
    StillRunning(String message) {
      super(message, null, false, false);
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

  public DrainLoop(String tenant, JobStore store, Database database, Collection<? extends JobWorker<?>> workers,
      DrainSettings settings, InstantSource clock, RetryPolicy retryPolicy) {
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
      int limit = claimLimit(deadline);
      if (limit == 0) {
        if (tally.claims == 0) {
          LOG.warn("no time to run a single job: {} left, jobs may take {} plus a {} margin; raise the function "
              + "timeout or lower JOB_TIMEOUT", deadline.remaining(), longestTimeout, settings.safetyMargin());
        }
        return tally.report(DrainReport.StopReason.DEADLINE, lastClaimFull);
      }
      List<ClaimedJob> jobs = store.claim(queue, workers.keySet(), limit, clientId);
      tally.claims++;
      if (jobs.isEmpty()) {
        return tally.report(DrainReport.StopReason.DRAINED, false);
      }
      lastClaimFull = jobs.size() == limit;
      tally.claimed += jobs.size();
      List<StateChange> changes = runBatch(jobs);
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

  private List<StateChange> runBatch(List<ClaimedJob> jobs) {
    Semaphore slots = new Semaphore(settings.parallelism());
    List<Future<StateChange>> pending = new ArrayList<>(jobs.size());
    try (ExecutorService supervisors = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("supervise-", 0).factory())) {
      for (ClaimedJob job : jobs) {
        pending.add(supervisors.submit(() -> supervise(job, slots)));
      }
    }
    List<StateChange> changes = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      try {
        StateChange change = pending.get(i).get();
        if (change != null) { // null: still running past its timeout, left for the rescuer
          changes.add(change);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkersException("interrupted while collecting job results", e);
      } catch (ExecutionException e) {
        // supervise() catches everything a job can throw; this is a bug in the loop itself.
        throw new WorkersException("supervising job " + jobs.get(i).id() + " failed", e.getCause());
      }
    }
    return changes;
  }

  private StateChange supervise(ClaimedJob job, Semaphore slots) throws InterruptedException {
    slots.acquire();
    Instant startedAt = clock.instant();
    try {
      MDC.put("tenant", tenant);
      MDC.put("queue", job.queue());
      MDC.put("job_id", Long.toString(job.id()));
      MDC.put("kind", job.kind());
      MDC.put("attempt", Integer.toString(job.attempt()));
      JobOutcome outcome;
      try {
        outcome = run(job);
      } catch (StillRunning e) {
        // River's rule: no outcome while the worker has not returned. The row stays running at this attempt;
        // the rescuer retries it after RESCUE_AFTER, and a late result of this run is dropped by the guard.
        LOG.atWarn().addKeyValue("outcome", "running")
            .log("job {} {}; left running for the rescuer", job.id(), e.getMessage());
        return null;
      }
      StateChange change = StateChange.of(job, outcome, clock.instant(), startedAt, retryPolicy);
      LOG.atInfo()
          .addKeyValue("outcome", change.state().sql())
          .addKeyValue("duration_ms", Duration.between(startedAt, clock.instant()).toMillis())
          .log("job {} -> {}{}", job.id(), change.state().sql(), describe(outcome));
      return change;
    } finally {
      MDC.clear();
      slots.release();
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
        throw new StillRunning("timed out after " + human(timeout) + " and is still running (it ignores interruption)");
      }
      return JobOutcome.failed("job timed out after " + human(timeout));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PermanentJobException permanent) {
        return JobOutcome.cancelled(permanent.getMessage());
      }
      return new JobOutcome.Failed(describe(cause), trace(cause));
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
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
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
          reason == DrainReport.StopReason.DEADLINE && lastClaimFull);
    }
  }
}
