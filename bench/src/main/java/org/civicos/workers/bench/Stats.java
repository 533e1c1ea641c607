package org.civicos.workers.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median and spread of repeated measurements. */
public final class Stats {
  private Stats() {
  }

  public static double median(Collection<? extends Number> values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile (p in 0..100) of the values; NaN when empty. */
  public static double percentile(Collection<? extends Number> values, double p) {
    List<Double> sorted = sorted(values);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    if (p == 50 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  public static double min(Collection<? extends Number> values) {
    return sorted(values).stream().findFirst().orElse(Double.NaN);
  }

  public static double max(Collection<? extends Number> values) {
    List<Double> s = sorted(values);
    return s.isEmpty() ? Double.NaN : s.get(s.size() - 1);
  }

  /** {median, p90, min, max, n, runs} as a result node. */
  public static Map<String, Object> summary(Collection<? extends Number> values) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", median(values));
    m.put("p90", percentile(values, 90));
    m.put("min", min(values));
    m.put("max", max(values));
    m.put("n", values.size());
    m.put("runs", new ArrayList<>(values));
    return m;
  }

  private static List<Double> sorted(Collection<? extends Number> values) {
    List<Double> out = new ArrayList<>();
    for (Number n : values) {
      out.add(n.doubleValue());
    }
    out.sort(Double::compare);
    return out;
  }
}
