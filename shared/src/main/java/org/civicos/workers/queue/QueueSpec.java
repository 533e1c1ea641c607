package org.civicos.workers.queue;

import java.util.List;

/** A queue and the job kinds civic-workers runs in it; jobs of other kinds in the queue are never touched. */
public record QueueSpec(String queue, List<String> kinds) {
  public QueueSpec {
    kinds = List.copyOf(kinds);
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("queue " + queue + " needs at least one kind");
    }
  }
}
