package org.civicos.workers.bench;

import java.util.Map;

final class Report {
  private final Map<String, Object> r;

  Report(Map<String, Object> results) {
    this.r = results;
  }

  String markdown() {
    return "# Performance\n";
  }
}
