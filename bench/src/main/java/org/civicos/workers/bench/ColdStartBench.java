package org.civicos.workers.bench;

final class ColdStartBench {
  private final Bench bench;

  ColdStartBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
