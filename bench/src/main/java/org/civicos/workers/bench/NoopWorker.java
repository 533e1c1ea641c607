package org.civicos.workers.bench;

import java.time.Duration;
import java.util.Map;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;

/** A job that does nothing (or sleeps a fixed time): what is left is the queue machinery's own cost. */
public final class NoopWorker implements JobWorker<Map<String, Object>> {
  private final String kind;
  private final long sleepMillis;

  public NoopWorker(String kind, long sleepMillis) {
    this.kind = kind;
    this.sleepMillis = sleepMillis;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Class<Map<String, Object>> argsType() {
    return (Class) Map.class;
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(5);
  }

  @Override
  public JobOutcome execute(JobContext context, Map<String, Object> args) throws Exception {
    if (sleepMillis > 0) {
      Thread.sleep(sleepMillis);
    }
    return JobOutcome.completed();
  }
}
