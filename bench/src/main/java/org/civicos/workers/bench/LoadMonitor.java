package org.civicos.workers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The 1-minute load average every 2 s, per benchmark: on a shared 2-core machine other work changes the
 * figures, and the report says how busy the machine was while each one ran.
 */
final class LoadMonitor {
  private final List<Double> samples = new ArrayList<>();

  LoadMonitor() {
    Thread.ofPlatform().daemon().name("load-monitor").start(() -> {
      while (true) {
        try {
          double v = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
          synchronized (samples) {
            samples.add(v);
          }
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          return; // no /proc: nothing to report
        }
      }
    });
  }

  void reset() {
    synchronized (samples) {
      samples.clear();
    }
  }

  Map<String, Object> summary() {
    synchronized (samples) {
      if (samples.isEmpty()) {
        return Map.of();
      }
      double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      return Map.of("mean", Math.round(mean * 100) / 100.0, "max", Stats.max(samples));
    }
  }
}
