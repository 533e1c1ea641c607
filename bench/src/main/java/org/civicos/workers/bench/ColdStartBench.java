package org.civicos.workers.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.lambda.RuntimeApiHarness;

/**
 * Goal 5: each function artifact under Amazon's runtime interface client (the Runtime API harness, as
 * LambdaRuntimeTest runs it): process start to init done (first {@code next}) and to the first response, beside a
 * hello-world handler packaged the same way; artifact sizes; and what each dependency costs at init.
 */
final class ColdStartBench {
  record Function(String dir, String handler, String queue, String kind, String event) {
  }

  static final List<Function> FUNCTIONS = List.of(
      new Function("hello", "org.civicos.workers.bench.hello.HelloFunction::handleRequest", null, null, "schedule.json"),
      new Function("poller", "org.civicos.workers.poller.PollerHandler::handleRequest", "s3_signer", "s3_presign",
          "schedule.json"),
      new Function("s3-signer", "org.civicos.workers.s3.S3SignerFunction::handleRequest", "s3_signer", "s3_presign",
          "s3-signer.json"),
      new Function("thumbnail-worker", "org.civicos.workers.thumbnail.ThumbnailFunction::handleRequest", "thumbnails",
          "thumbnail_generate", "thumbnails.json"),
      new Function("notification-worker", "org.civicos.workers.notification.NotificationFunction::handleRequest",
          "notifications", "send_notification", "notifications.json"));

  /** The child JVMs' flags (RuntimeApiHarness's, as Lambda's java21 runtime starts the JVM). */
  static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private final Bench bench;

  ColdStartBench(Bench bench) {
    this.bench = bench;
  }

  Path artifact(String dir) {
    return dir.equals("hello") ? bench.repo.resolve("bench/target/hello-lambda")
        : bench.repo.resolve("functions/" + dir + "/target/" + dir + "-lambda");
  }

  Path zip(String dir) {
    return dir.equals("hello") ? bench.repo.resolve("bench/target/hello-lambda.zip")
        : bench.repo.resolve("functions/" + dir + "/target/" + dir + "-lambda.zip");
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("coldstart");
    int runs = bench.pick(5, 3);
    out.put("runs", runs);
    out.put("jvm_flags", String.join(" ", JVM_FLAGS) + " (the harness's, as Lambda's java21)");
    DatabaseUrl url = Pg.civicDatabase("cold");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Function f : FUNCTIONS) {
      List<Double> init = new ArrayList<>();
      List<Double> first = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        if (f.queue() != null) {
          Sql.update(url, "DELETE FROM metadata.river_job");
          Sql.insertJobs(url, "metadata", f.queue(), f.kind(), 3, "{}");
        }
        try (RuntimeApiHarness harness = new RuntimeApiHarness()) {
          harness.start(artifact(f.dir()), f.handler(), env(url, f.dir()));
          RuntimeApiHarness.Outcome outcome = harness.invoke(
              Files.readString(bench.repo.resolve("events").resolve(f.event())), Duration.ofSeconds(90));
          double firstMs = harness.sinceStart().toNanos() / 1e6;
          if (outcome.error()) {
            throw new IllegalStateException(f.dir() + " answered an error: " + outcome.body() + "\n" + harness.output());
          }
          init.add(harness.initDuration(Duration.ofSeconds(10)).toNanos() / 1e6);
          first.add(firstMs);
        }
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("function", f.dir());
      row.put("init_ms", Stats.summary(init));
      row.put("first_response_ms", Stats.summary(first));
      row.put("zip_mb", Files.size(zip(f.dir())) / 1048576.0);
      row.put("largest_jars", largestJars(artifact(f.dir())));
      rows.add(row);
      Bench.log("coldstart %s: init %.0f ms, first response %.0f ms, zip %.1f MB", f.dir(), Stats.median(init),
          Stats.median(first), Files.size(zip(f.dir())) / 1048576.0);
    }
    out.put("rows", rows);
    out.put("dependency_init", dependencyCosts(runs));
    Pg.drop(url);
  }

  private static Map<String, String> env(DatabaseUrl url, String function) {
    Map<String, String> env = new LinkedHashMap<>(RuntimeApiHarness.functionEnvironment(url, function));
    env.put("S3_SIGNER_FUNCTION", "arn:aws:lambda:us-east-1:000000000000:function:civic-s3-signer:live");
    env.put("LOG_FORMAT", "json");
    return env;
  }

  private static List<String> largestJars(Path artifact) throws Exception {
    if (!Files.isDirectory(artifact.resolve("lib"))) {
      return List.of();
    }
    try (Stream<Path> jars = Files.list(artifact.resolve("lib"))) {
      return jars.sorted(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed()).limit(6)
          .map(p -> String.format(java.util.Locale.ROOT, "%s %.1f", p.getFileName().toString().replaceFirst("\\.jar$", ""),
              p.toFile().length() / 1048576.0))
          .toList();
    }
  }

  /** In-process init time of each main dependency, each in a fresh JVM on the artifact that ships it. */
  private Map<String, Object> dependencyCosts(int runs) throws Exception {
    Map<String, String> steps = new LinkedHashMap<>();
    steps.put("none", "poller");
    steps.put("jackson", "poller");
    steps.put("logback", "poller");
    steps.put("pgjdbc", "poller");
    steps.put("hikari", "poller");
    steps.put("lambda-invoker", "poller");
    steps.put("s3-client", "s3-signer");
    steps.put("ses-client", "notification-worker");
    steps.put("pdfbox", "thumbnail-worker");
    steps.put("imageio", "thumbnail-worker");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> step : steps.entrySet()) {
      List<String> cp = new ArrayList<>();
      Path artifact = artifact(step.getValue());
      cp.add(artifact.toString());
      try (Stream<Path> jars = Files.list(artifact.resolve("lib"))) {
        jars.sorted().forEach(p -> cp.add(p.toString()));
      }
      cp.add(bench.repo.resolve("bench/target/classes").toString());
      List<Double> inProcess = new ArrayList<>();
      List<Double> wall = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, cp), InitProbe.class.getName(), step.getKey()));
        Proc.Result r = Proc.check(command,
            Map.of("LOG_FORMAT", "json", "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDPROBE",
                "AWS_SECRET_ACCESS_KEY", "probe"), 120);
        String line = r.output().lines().filter(l -> l.startsWith("INIT ")).findFirst()
            .orElseThrow(() -> new IllegalStateException("probe " + step.getKey() + " said:\n" + r.output()));
        inProcess.add(Double.parseDouble(line.split(" ")[2]));
        wall.add(r.nanos() / 1e6);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("artifact", step.getValue());
      m.put("in_process_ms", Stats.summary(inProcess));
      m.put("process_wall_ms", Stats.summary(wall));
      out.put(step.getKey(), m);
      Bench.log("init cost %s: %.0f ms in process, %.0f ms wall", step.getKey(), Stats.median(inProcess),
          Stats.median(wall));
    }
    return out;
  }
}
