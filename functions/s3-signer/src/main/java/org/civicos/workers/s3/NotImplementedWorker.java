package org.civicos.workers.s3;

import com.fasterxml.jackson.databind.JsonNode;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;

/** Placeholder until the worker is implemented: fails (and so retries) every job of its kind. */
final class NotImplementedWorker implements JobWorker<JsonNode> {
  private final String kind;

  NotImplementedWorker(String kind) {
    this.kind = kind;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Class<JsonNode> argsType() {
    return JsonNode.class;
  }

  @Override
  public java.time.Duration timeout() {
    return java.time.Duration.ofSeconds(10);
  }

  @Override
  public JobOutcome execute(JobContext context, JsonNode args) {
    return JobOutcome.failed("not implemented: " + kind);
  }
}
