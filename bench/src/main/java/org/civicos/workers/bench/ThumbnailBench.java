package org.civicos.workers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Goal 4: ms per image for all three sizes — our renderer under JMH (single shot per call, forked JVM) against
 * vipsthumbnail making the same three sizes (150/400/800 at Q 80/85/90) from the same files in the same run —
 * and peak heap / RSS for a 50 MP JPEG in a JVM capped at -Xmx256m.
 */
final class ThumbnailBench {
  static final int[][] SIZES = {{150, 80}, {400, 85}, {800, 90}};
  private final Bench bench;

  ThumbnailBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("thumbnails");
    Path images = bench.work.resolve("images");
    Map<String, Path> set = ImageSet.benchmarkSet(images);
    Path fifty = ImageSet.fiftyMegapixel(images);
    int iterations = bench.pick(10, 4);
    int vipsRepeats = bench.pick(8, 3);
    out.put("jmh", "SingleShotTime, 1 fork (-Xmx1g), " + bench.pick(3, 2) + " warm-up + " + iterations
        + " measured calls per image");
    out.put("vips_method", "per size one vipsthumbnail process over " + vipsRepeats
        + " links to the file (startup amortised, no operation cache hits), wall time / files; the three sizes summed");

    Map<String, List<Double>> ours = jmh(set, iterations);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, Path> e : set.entrySet()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("image", e.getKey());
      row.put("file_mb", Files.size(e.getValue()) / 1048576.0);
      List<Double> v = vips(e.getValue(), vipsRepeats, bench.pick(3, 2), null);
      List<Double> v1 = vips(e.getValue(), vipsRepeats, bench.pick(3, 2), "1");
      List<Double> o = ours.get(e.getValue().toString());
      row.put("ours_ms", Stats.summary(o));
      row.put("vips_ms", Stats.summary(v));
      row.put("vips_one_thread_ms", Stats.summary(v1));
      row.put("ratio", Stats.median(o) / Stats.median(v));
      row.put("ratio_vs_one_thread", Stats.median(o) / Stats.median(v1));
      rows.add(row);
      Bench.log("thumbnails %s: ours %.0f ms, vips %.0f ms (1 thread %.0f ms)", e.getKey(), Stats.median(o),
          Stats.median(v), Stats.median(v1));
    }
    out.put("rows", rows);
    out.put("heap_50mp", heap(fifty, bench.pick(3, 2)));
  }

  private Map<String, List<Double>> jmh(Map<String, Path> set, int iterations) throws Exception {
    Options options = new OptionsBuilder()
        .include(ThumbnailJmh.class.getName() + ".render")
        .param("file", set.values().stream().map(Path::toString).toArray(String[]::new))
        .forks(1)
        .warmupIterations(bench.pick(3, 2))
        .measurementIterations(iterations)
        .jvmArgs("-Xmx1g")
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (RunResult r : results) {
      String file = r.getParams().getParam("file");
      List<Double> scores = new ArrayList<>();
      for (BenchmarkResult b : r.getBenchmarkResults()) {
        for (IterationResult i : b.getIterationResults()) {
          scores.add(i.getPrimaryResult().getScore());
        }
      }
      out.put(file, scores);
    }
    return out;
  }

  /** ms per image for the three sizes, one value per repeat. */
  private List<Double> vips(Path file, int links, int repeats, String concurrency) throws Exception {
    String vips = Bench.tool("vipsthumbnail");
    Path dir = Files.createDirectories(bench.work.resolve("vips"));
    String ext = file.toString().substring(file.toString().lastIndexOf('.'));
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < links; i++) {
      Path link = dir.resolve("in-" + i + ext);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, file);
      inputs.add(link.toString());
    }
    Map<String, String> env = concurrency == null ? Map.of() : Map.of("VIPS_CONCURRENCY", concurrency);
    List<Double> out = new ArrayList<>();
    for (int r = 0; r < repeats + 1; r++) {
      double total = 0;
      for (int[] size : SIZES) {
        List<String> command = new ArrayList<>(List.of(vips, "-s", Integer.toString(size[0]), "-o",
            dir.resolve("%s_" + size[0] + ".jpg[Q=" + size[1] + "]").toString()));
        command.addAll(inputs);
        Proc.Result result = Proc.check(command, env, 300);
        total += result.nanos() / 1e6 / links;
      }
      if (r > 0) { // the first round only warms the page cache
        out.add(total);
      }
    }
    return out;
  }

  private Map<String, Object> heap(Path file, int runs) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Double> peak = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> millis = new ArrayList<>();
    boolean allOk = true;
    for (int i = 0; i < runs; i++) {
      Proc.Result r = Proc.check(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          HeapProbe.class.getName(), file.toString()), Map.of(), 300);
      String line = r.output().lines().filter(l -> l.startsWith("HEAP ")).findFirst()
          .orElseThrow(() -> new IllegalStateException("heap probe said:\n" + r.output()));
      String[] f = line.split(" ");
      allOk &= f[1].equals("ok");
      peak.add(Double.parseDouble(f[2]));
      rss.add(Long.parseLong(f[4]) / 1024.0);
      millis.add(Double.parseDouble(f[5]));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file_mb", Files.size(file) / 1048576.0);
    m.put("xmx_mb", 256);
    m.put("rendered_under_xmx", allOk);
    m.put("peak_heap_mb", Stats.summary(peak));
    m.put("vm_hwm_mb", Stats.summary(rss));
    m.put("cold_render_ms", Stats.summary(millis));
    Bench.log("thumbnails 50 MP: %s", m);
    return m;
  }
}
