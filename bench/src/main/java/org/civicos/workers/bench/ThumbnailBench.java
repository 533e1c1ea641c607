package org.civicos.workers.bench;

final class ThumbnailBench {
  private final Bench bench;

  ThumbnailBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
