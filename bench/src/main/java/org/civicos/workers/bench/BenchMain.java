package org.civicos.workers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scripts/bench: runs the benchmarks, writes bench/target/bench/results.json and (with --report) rewrites
 * docs/performance.md.
 *
 * <pre>
 * BenchMain [--quick] [--only=throughput,connections,poller,thumbnails,coldstart,latency,observability] [--report]
 * BenchMain --render=bench/results/full-run.json
 * BenchMain --only=observability --merge=bench/results/full-run.json
 * </pre>
 *
 * {@code --merge=FILE} puts the sections measured by this run into a saved results file (replacing the same
 * sections there, each marked with the date, mode and load of this run; the rest of the file is kept) and
 * rewrites docs/performance.md from it.
 */
public final class BenchMain {
  static final List<String> ALL = List.of("throughput", "connections", "poller", "thumbnails", "coldstart", "latency",
      "observability");

  public static void main(String[] args) throws Exception {
    for (String a : args) {
      if (a.startsWith("--render=")) { // re-render docs/performance.md from a saved results file
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        @SuppressWarnings("unchecked")
        Map<String, Object> saved = new ObjectMapper().readValue(Path.of(a.substring(9)).toFile(), LinkedHashMap.class);
        Files.writeString(repo.resolve("docs/performance.md"), new Report(saved).markdown());
        return;
      }
    }
    boolean quick = Arrays.asList(args).contains("--quick");
    boolean report = Arrays.asList(args).contains("--report");
    List<String> only = new ArrayList<>(ALL);
    Path merge = null;
    for (String a : args) {
      if (a.startsWith("--only=")) {
        only = Arrays.asList(a.substring("--only=".length()).split(","));
      }
      if (a.startsWith("--merge=")) {
        merge = Path.of(a.substring("--merge=".length()));
      }
    }
    Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
    Path work = repo.resolve("bench/target/bench");
    Files.createDirectories(work);
    Bench bench = new Bench(quick, repo, work);
    bench.results.put("mode", quick ? "quick" : "full");
    bench.results.put("date", java.time.LocalDate.now().toString());
    bench.results.put("machine", Machine.describe());
    Map<String, Object> timings = new LinkedHashMap<>();
    Map<String, Object> loads = new LinkedHashMap<>();
    bench.results.put("load_average", loads);
    LoadMonitor load = new LoadMonitor();
    bench.results.put("section_seconds", timings);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path resultsFile = work.resolve(quick ? "results-quick.json" : "results.json");
    for (String name : only) {
      long start = System.nanoTime();
      load.reset();
      Bench.log("== %s (%s mode, %s elapsed)", name, bench.quick ? "quick" : "full", bench.elapsed());
      try {
        switch (name) {
          case "throughput" -> new ThroughputBench(bench).run();
          case "connections" -> new ConnectionsBench(bench).run();
          case "poller" -> new PollerScalingBench(bench).run();
          case "thumbnails" -> new ThumbnailBench(bench).run();
          case "coldstart" -> new ColdStartBench(bench).run();
          case "latency" -> new LatencyBench(bench).run();
          case "observability" -> new ObservabilityBench(bench).run();
          case "serve" -> { // debugging aid: keep the server up and print where it is
            org.civicos.workers.db.DatabaseUrl url = Pg.riverDatabase("serve");
            System.err.println("SERVE " + url.host() + " " + url.port() + " " + url.database());
            Thread.sleep(java.time.Duration.ofMinutes(30));
          }
          default -> throw new IllegalArgumentException("unknown benchmark " + name + "; known: " + ALL);
        }
      } catch (Exception | Error e) {
        Bench.log("%s FAILED: %s", name, e);
        e.printStackTrace();
        bench.section(name).put("error", String.valueOf(e));
      }
      timings.put(name, (System.nanoTime() - start) / 1e9);
      loads.put(name, load.summary());
      json.writeValue(resultsFile.toFile(), bench.results);
    }
    bench.results.put("total_seconds", timings.values().stream().mapToDouble(v -> (Double) v).sum());
    json.writeValue(resultsFile.toFile(), bench.results);
    Bench.log("results: %s (%s)", bench.repo.relativize(resultsFile), bench.elapsed());
    if (merge != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> saved = json.readValue(merge.toFile(), LinkedHashMap.class);
      for (String name : only) {
        if (bench.results.get(name) instanceof Map<?, ?> section) {
          @SuppressWarnings("unchecked")
          Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) section);
          Map<String, Object> run = new LinkedHashMap<>();
          run.put("date", bench.results.get("date"));
          run.put("mode", bench.results.get("mode"));
          run.put("command", "scripts/bench" + (quick ? " --quick" : "") + " --only=" + String.join(",", only)
              + " --merge=" + merge);
          run.put("seconds", timings.get(name));
          run.put("load_average", loads.get(name));
          run.put("machine", bench.results.get("machine"));
          merged.put("separate_run", run);
          saved.put(name, merged);
        }
      }
      json.writeValue(merge.toFile(), saved);
      Path doc = repo.resolve("docs/performance.md");
      Files.writeString(doc, new Report(saved).markdown());
      Bench.log("merged %s into %s and wrote %s", only, merge, repo.relativize(doc));
    } else if (report) {
      Path doc = repo.resolve("docs/performance.md");
      Files.writeString(doc, new Report(bench.results).markdown());
      Bench.log("wrote %s", repo.relativize(doc));
    }
    System.exit(0);
  }
}
