package org.civicos.workers.bench;

final class LatencyBench {
  private final Bench bench;

  LatencyBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
