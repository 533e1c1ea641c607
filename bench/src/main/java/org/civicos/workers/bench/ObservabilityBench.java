package org.civicos.workers.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.civicos.workers.bench.observability.BaselineProbe;
import org.civicos.workers.bench.observability.OursProbe;
import org.civicos.workers.bench.observability.PowertoolsProbe;

/**
 * The question: Powertools for AWS Lambda (Java) v2 (functional API, no AspectJ) or our logback +
 * JsonLogEncoder + EmfMetrics? Each variant is a probe main (bench/.../observability) that emits one JSON log line
 * with MDC tenant/queue and one EMF line with QueueHandler's metric set, in a fresh JVM with the cold-start
 * scenario's flags and only its own jars on the class path. Measured: process start → each line read from the
 * child's stdout; classes loaded (from {@code -Xlog:class+load} in separate runs, so the timed runs are not slowed
 * by the logging); the jars on the class path and those no function artifact ships already.
 */
final class ObservabilityBench {
  record Variant(String name, String label, Class<?> main, List<Path> classPath) {
  }

  /** Same environment for every variant (each reads what it knows): JSON logs, Lambda's variables. */
  static final Map<String, String> ENV = Map.of("LOG_FORMAT", "json", "AWS_LAMBDA_FUNCTION_NAME", "thumbnail-worker",
      "AWS_REGION", "us-east-1", "POWERTOOLS_SERVICE_NAME", "thumbnail-worker",
      "POWERTOOLS_METRICS_NAMESPACE", "CivicWorkers");

  static final String POWERTOOLS_TRIED = "software.amazon.lambda:powertools-logging-logback:2.9.0 and :2.8.0 (jar and"
      + " pom missing), and its maven-metadata.xml (no version listed)";

  private final Bench bench;

  ObservabilityBench(Bench bench) {
    this.bench = bench;
  }

  List<Variant> variants() throws Exception {
    Path classes = bench.repo.resolve("bench/target/classes");
    Path lists = bench.repo.resolve("bench/target/observability");
    List<Path> ours = new ArrayList<>(List.of(classes));
    ours.addAll(classPathFile(lists.resolve("ours.txt")));
    List<Path> powertools = new ArrayList<>(List.of(classes, bench.repo.resolve("bench/src/observability/powertools")));
    powertools.addAll(classPathFile(lists.resolve("powertools.txt")));
    return List.of(
        new Variant("baseline", "baseline: System.out, no library", BaselineProbe.class, List.of(classes)),
        new Variant("ours", "ours: logback + JsonLogEncoder + EmfMetrics", OursProbe.class, ours),
        new Variant("powertools", "Powertools v2 functional: powertools-logging-log4j + powertools-metrics",
            PowertoolsProbe.class, powertools));
  }

  private static List<Path> classPathFile(Path file) throws Exception {
    if (!Files.exists(file)) {
      throw new IllegalStateException(file + " missing: build the bench module (mvn install -DskipTests -pl bench -am)");
    }
    return Stream.of(Files.readString(file).strip().split(File.pathSeparator)).map(Path::of).toList();
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("observability");
    int runs = bench.pick(15, 5);
    int classRuns = bench.pick(3, 1);
    out.put("date", LocalDate.now().toString());
    out.put("mode", bench.quick ? "quick" : "full");
    out.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    out.put("runs", runs);
    out.put("class_count_runs", classRuns);
    out.put("jvm_flags", String.join(" ", ColdStartBench.JVM_FLAGS));
    out.put("env", new TreeMap<>(ENV));
    out.put("powertools_logback_backend", "not resolvable from Maven Central here: " + POWERTOOLS_TRIED);
    List<Variant> variants = variants();
    Set<String> shipped = jarsInEveryFunction();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    Map<String, List<Double>> logMs = new LinkedHashMap<>();
    Map<String, List<Double>> metricMs = new LinkedHashMap<>();
    Map<String, List<Double>> bothMs = new LinkedHashMap<>();
    Map<String, List<Double>> exitMs = new LinkedHashMap<>();
    Map<String, String[]> samples = new LinkedHashMap<>();
    for (Variant v : variants) {
      logMs.put(v.name(), new ArrayList<>());
      metricMs.put(v.name(), new ArrayList<>());
      bothMs.put(v.name(), new ArrayList<>());
      exitMs.put(v.name(), new ArrayList<>());
    }
    // Round 0 warms the page cache (jar reads) and is not counted; each round starts with another variant.
    for (int round = 0; round <= runs; round++) {
      for (int k = 0; k < variants.size(); k++) {
        Variant v = variants.get((round + k) % variants.size());
        Proc.Lines r = Proc.checkLines(command(java, v, List.of()), ENV, 120);
        Proc.Line log = firstLine(r, v, false);
        Proc.Line metric = firstLine(r, v, true);
        samples.putIfAbsent(v.name(), new String[] {log.text(), metric.text()});
        if (round > 0) {
          logMs.get(v.name()).add(log.nanos() / 1e6);
          metricMs.get(v.name()).add(metric.nanos() / 1e6);
          bothMs.get(v.name()).add(Math.max(log.nanos(), metric.nanos()) / 1e6);
          exitMs.get(v.name()).add(r.nanos() / 1e6);
        }
      }
    }

    List<Map<String, Object>> rows = new ArrayList<>();
    for (Variant v : variants) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("variant", v.name());
      row.put("label", v.label());
      row.put("main", v.main().getName());
      row.put("first_log_line_ms", Stats.summary(logMs.get(v.name())));
      row.put("first_metric_line_ms", Stats.summary(metricMs.get(v.name())));
      row.put("both_lines_ms", Stats.summary(bothMs.get(v.name())));
      row.put("process_exit_ms", Stats.summary(exitMs.get(v.name())));
      row.put("classes_loaded", classCounts(java, v, classRuns));
      List<Path> jars = v.classPath().stream().filter(p -> p.toString().endsWith(".jar")).toList();
      long bytes = 0;
      long newBytes = 0;
      List<String> jarList = new ArrayList<>();
      for (Path jar : jars) {
        long size = Files.size(jar);
        boolean isNew = shipped != null && !shipped.contains(jar.getFileName().toString());
        bytes += size;
        newBytes += isNew ? size : 0;
        jarList.add(String.format(Locale.ROOT, "%s %.1f%s", jar.getFileName().toString().replaceFirst("\\.jar$", ""),
            size / 1024.0, isNew ? " new" : ""));
      }
      row.put("jars", jars.size());
      row.put("jar_kb", bytes / 1024.0);
      row.put("jar_kb_not_in_functions", shipped == null ? null : newBytes / 1024.0);
      row.put("jar_list_kb", jarList);
      row.put("sample_log_line", samples.get(v.name())[0]);
      row.put("sample_metric_line", samples.get(v.name())[1]);
      rows.add(row);
    }
    out.put("rows", rows);
    log(rows);
  }

  private List<String> command(String java, Variant v, List<String> extraFlags) {
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(ColdStartBench.JVM_FLAGS);
    command.addAll(extraFlags);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, v.classPath().stream().map(Path::toString).toList()));
    command.add(v.main().getName());
    return command;
  }

  /** The first EMF line (metric) or the first other JSON line (log), checked to carry what the probe emits. */
  private static Proc.Line firstLine(Proc.Lines r, Variant v, boolean metric) {
    for (Proc.Line line : r.lines()) {
      String t = line.text();
      if (!t.startsWith("{") || t.contains("\"_aws\"") != metric) {
        continue;
      }
      boolean ok = metric
          ? t.contains("\"JobsCompleted\":3.0") && t.contains("\"JobDurationMs\":[41.0,38.0,45.0]")
              && t.contains("\"tenant\":\"tenant-a\"") && t.contains("\"queue\":\"thumbnails\"")
          : t.contains("invocation done: 3 claimed, 3 completed") && t.contains("\"tenant\":\"tenant-a\"")
              && t.contains("\"queue\":\"thumbnails\"") && t.contains("\"level\":\"INFO\"");
      if (ok) {
        return line;
      }
    }
    throw new IllegalStateException(v.name() + " printed no " + (metric ? "EMF" : "JSON log") + " line as expected:\n"
        + r.output());
  }

  /** Classes loaded by the whole run, by where they came from ({@code -Xlog:class+load}'s {@code source:}). */
  private Map<String, Object> classCounts(String java, Variant v, int classRuns) throws Exception {
    List<Integer> total = new ArrayList<>();
    List<Integer> cds = new ArrayList<>();
    List<Integer> jdk = new ArrayList<>();
    List<Integer> classPath = new ArrayList<>();
    List<Integer> generated = new ArrayList<>();
    Path logFile = bench.work.resolve("observability-classes-" + v.name() + ".log");
    for (int i = 0; i < classRuns; i++) {
      Files.deleteIfExists(logFile);
      Proc.checkLines(command(java, v, List.of("-Xlog:class+load=info:file=" + logFile)), ENV, 120);
      int t = 0;
      int c = 0;
      int j = 0;
      int p = 0;
      try (Stream<String> lines = Files.lines(logFile)) {
        for (String line : (Iterable<String>) lines::iterator) {
          int at = line.indexOf(" source: ");
          if (at < 0) {
            continue;
          }
          String source = line.substring(at + 9);
          t++;
          if (source.startsWith("shared objects file")) {
            c++;
          } else if (source.startsWith("jrt:/")) {
            j++;
          } else if (source.startsWith("file:")) {
            p++;
          }
        }
      }
      total.add(t);
      cds.add(c);
      jdk.add(j);
      classPath.add(p);
      generated.add(t - c - j - p);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", Stats.median(total));
    m.put("jdk_cds_archive", Stats.median(cds));
    m.put("jdk_modules", Stats.median(jdk));
    m.put("class_path", Stats.median(classPath));
    m.put("generated", Stats.median(generated));
    m.put("total_runs", total);
    return m;
  }

  /** File names (artifactId-version.jar) of the jars in every function artifact, or null if none is built. */
  private Set<String> jarsInEveryFunction() throws Exception {
    Set<String> common = null;
    try (Stream<Path> dirs = Files.list(bench.repo.resolve("functions"))) {
      for (Path dir : dirs.sorted().toList()) {
        Path lib = dir.resolve("target/" + dir.getFileName() + "-lambda/lib");
        if (!Files.isDirectory(lib)) {
          continue;
        }
        Set<String> names = new HashSet<>();
        try (Stream<Path> jars = Files.list(lib)) {
          // build/lambda-assembly.xml names them groupId.artifactId-version.jar
          jars.forEach(j -> names.add(j.getFileName().toString()));
        }
        Set<String> artifactNames = new HashSet<>();
        for (String n : names) {
          artifactNames.add(n);
          for (int dot = n.indexOf('.'); dot >= 0 && dot < n.length() - 4; dot = n.indexOf('.', dot + 1)) {
            artifactNames.add(n.substring(dot + 1));
          }
        }
        if (common == null) {
          common = artifactNames;
        } else {
          common.retainAll(artifactNames);
        }
      }
    }
    return common;
  }

  private static void log(List<Map<String, Object>> rows) {
    Bench.log("observability: variant | log line ms | EMF line ms | both ms median / p90 | classes | jars KB (new)");
    for (Map<String, Object> row : rows) {
      @SuppressWarnings("unchecked")
      Map<String, Object> both = (Map<String, Object>) row.get("both_lines_ms");
      @SuppressWarnings("unchecked")
      Map<String, Object> log = (Map<String, Object>) row.get("first_log_line_ms");
      @SuppressWarnings("unchecked")
      Map<String, Object> metric = (Map<String, Object>) row.get("first_metric_line_ms");
      @SuppressWarnings("unchecked")
      Map<String, Object> classes = (Map<String, Object>) row.get("classes_loaded");
      Bench.log("observability: %s | %.0f | %.0f | %.0f / %.0f | %.0f | %.0f (%s)", row.get("variant"), log.get("median"),
          metric.get("median"), both.get("median"), both.get("p90"), classes.get("total"), row.get("jar_kb"),
          row.get("jar_kb_not_in_functions") == null ? "?" : String.format(Locale.ROOT, "%.0f", row.get("jar_kb_not_in_functions")));
    }
  }
}
