package org.civicos.workers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine, JDK, PostgreSQL and tool versions of the run. */
public final class Machine {
  private Machine() {
  }

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
    String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
    if (mem != null) {
      m.put("memory_gib", Math.round(Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0);
    }
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version"));
    m.put("postgresql", Pg.version());
    m.put("postgresql_settings", Map.of("fsync", Pg.setting("fsync"), "synchronous_commit",
        Pg.setting("synchronous_commit"), "shared_buffers", Pg.setting("shared_buffers"),
        "max_connections", Pg.setting("max_connections")));
    m.put("pgbench", version(List.of(Bench.tool("pgbench"), "--version")));
    m.put("pgbouncer", version(List.of(Bench.tool("pgbouncer"), "--version")));
    m.put("vipsthumbnail", version(List.of(Bench.tool("vipsthumbnail"), "--vips-version")));
    return m;
  }

  static String version(List<String> command) {
    try {
      return Proc.run(command, Map.of(), 30).output().lines().findFirst().orElse("?").strip();
    } catch (RuntimeException e) {
      return "unavailable: " + e.getMessage();
    }
  }

  private static String firstMatch(Path file, String key) {
    try {
      return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst().orElse(null);
    } catch (Exception e) {
      return null;
    }
  }
}
