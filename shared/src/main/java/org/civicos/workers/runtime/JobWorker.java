package org.civicos.workers.runtime;

import java.time.Duration;
import org.civicos.workers.queue.JobOutcome;

/**
 * One job kind. The drain loop decodes {@code args} into {@link #argsType()} (unknown keys ignored), runs
 * {@link #execute} on its own thread with {@link #timeout()}, and records the outcome. Return a
 * {@link JobOutcome} for every decision; an exception is treated as a transient failure (retried), a
 * {@link PermanentJobException} as a permanent one (cancelled).
 */
public interface JobWorker<A> {
  Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

  String kind();

  Class<A> argsType();

  default Duration timeout() {
    return DEFAULT_TIMEOUT;
  }

  JobOutcome execute(JobContext context, A args) throws Exception;
}
