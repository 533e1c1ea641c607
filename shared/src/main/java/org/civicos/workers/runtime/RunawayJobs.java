package org.civicos.workers.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Timed-out jobs whose threads ignored interruption and kept running. Their retries are recorded but held back
 * (see {@link DrainSettings#runawayHold()}) so no other invocation runs the job beside them; a later drain of the
 * same tenant in this process releases each hold once its thread has stopped. One registry lives as long as the
 * process (a Lambda execution environment), because the thread outlives the invocation that started it.
 */
public final class RunawayJobs {
  /** One held job: the row's id and attempt, and the thread still running it. */
  record Runaway(String tenant, long jobId, int attempt, Thread thread) {
  }

  private final List<Runaway> runaways = new ArrayList<>();

  synchronized void add(Runaway runaway) {
    runaways.add(runaway);
  }

  /** Attempt by job id of this tenant's runaways whose threads have stopped. */
  synchronized Map<Long, Integer> stopped(String tenant) {
    Map<Long, Integer> stopped = new LinkedHashMap<>();
    for (Runaway r : runaways) {
      if (r.tenant().equals(tenant) && !r.thread().isAlive()) {
        stopped.put(r.jobId(), r.attempt());
      }
    }
    return stopped;
  }

  synchronized void forget(String tenant, Map<Long, Integer> released) {
    runaways.removeIf(r -> r.tenant().equals(tenant) && released.containsKey(r.jobId())
        && released.get(r.jobId()) == r.attempt());
  }

  /** How many runaway threads are still running, across tenants. */
  public synchronized int running() {
    return (int) runaways.stream().filter(r -> r.thread().isAlive()).count();
  }
}
