package org.civicos.workers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every benchmark gets: the mode, where to write, the external tools, and the results tree. */
public final class Bench {
  public final boolean quick;
  public final Path repo;
  public final Path work;
  public final Map<String, Object> results = new LinkedHashMap<>();
  private final long started = System.nanoTime();

  Bench(boolean quick, Path repo, Path work) {
    this.quick = quick;
    this.repo = repo;
    this.work = work;
  }

  /** Full or quick value. */
  public int pick(int full, int quickValue) {
    return quick ? quickValue : full;
  }

  public static void log(String format, Object... args) {
    System.err.printf("[bench] " + format + "%n", args);
    System.err.flush();
  }

  public String elapsed() {
    return Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s";
  }

  /** An external tool: system property {@code bench.<name>}, else the name on PATH. */
  public static String tool(String name) {
    String configured = System.getProperty("bench." + name);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(name + " not found: install it or pass -Dbench." + name + "=/path");
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> section(String name) {
    return (Map<String, Object>) results.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }
}
