package org.civicos.workers.bench;

final class PollerScalingBench {
  private final Bench bench;

  PollerScalingBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
