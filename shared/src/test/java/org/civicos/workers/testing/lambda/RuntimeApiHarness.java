package org.civicos.workers.testing.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The closest thing to {@code sam local invoke} without Docker: a small server implementing the Lambda Runtime
 * API (next, response, error, init error) plus the Lambda Invoke API (to capture the asynchronous invocations
 * a function makes), and a child JVM running Amazon's {@code aws-lambda-java-runtime-interface-client} against a
 * function artifact laid out as Lambda expects (classes at the root, jars in {@code lib/}).
 */
public final class RuntimeApiHarness implements AutoCloseable {
  private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /** An asynchronous invocation the function made through the Invoke API. */
  public record CapturedInvoke(String function, String invocationType, String payload) {
  }

  /** The function's answer to one event. */
  public record Outcome(String requestId, boolean error, String body, Duration elapsed) {
  }

  private record Pending(String requestId, String event, long deadlineMs, long sentNanos) {
  }

  private final HttpServer server;
  private final BlockingQueue<Pending> events = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private final List<CapturedInvoke> invokes = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Long> firstNextNanos = new CompletableFuture<>();
  private final CompletableFuture<String> initError = new CompletableFuture<>();
  private final StringBuffer output = new StringBuffer();
  private Process process;
  private long startNanos;

  public RuntimeApiHarness() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "runtime-api");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/2018-06-01/runtime/", this::runtimeApi);
    server.createContext("/2015-03-31/functions/", this::invokeApi);
    server.start();
  }

  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The Lambda Invoke API endpoint, for {@code AWS_ENDPOINT_URL_LAMBDA}. */
  public String invokeEndpoint() {
    return "http://" + address();
  }

  /**
   * What our functions need under the harness beside Lambda's own variables: the tenant database (password in
   * the URL), the function's name, {@code DB_RELEASE=evict}, and a job timeout that fits the harness's 90 s per
   * event (the thumbnailer's own 2 minutes would not).
   */
  public static Map<String, String> functionEnvironment(org.civicos.workers.db.DatabaseUrl url, String function) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATABASE_URL", "postgres://" + url.user() + ":" + url.password() + "@" + url.host() + ":" + url.port()
        + "/" + url.database());
    env.put("AWS_LAMBDA_FUNCTION_NAME", function);
    env.put("DB_RELEASE", "evict");
    env.put("JOB_TIMEOUT", "30s");
    return env;
  }

  /**
   * Starts the runtime interface client in a child JVM against {@code artifact}.
   *
   * @param handler as in template.yaml, {@code package.Class::method}
   */
  public void start(Path artifact, String handler, Map<String, String> environment) throws IOException {
    List<String> classpath = new ArrayList<>();
    classpath.add(artifact.toString());
    try (Stream<Path> jars = Files.list(artifact.resolve("lib"))) {
      jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classpath.add(p.toString()));
    }
    classpath.addAll(runtimeJars());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", String.join(File.pathSeparator, classpath), RIC_MAIN, handler);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("DATABASE_URL") || k.equals("TENANTS"));
    env.put("AWS_LAMBDA_RUNTIME_API", address());
    env.put("_HANDLER", handler);
    env.put("AWS_LAMBDA_FUNCTION_NAME", environment.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "harness-function"));
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/harness");
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "harness");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDHARNESS");
    env.put("AWS_SECRET_ACCESS_KEY", "harness-secret");
    env.put("AWS_SESSION_TOKEN", "harness-session-token");
    env.put("AWS_ENDPOINT_URL_LAMBDA", invokeEndpoint());
    env.putAll(environment);
    startNanos = System.nanoTime();
    process = builder.start();
    Thread pump = new Thread(() -> {
      try {
        process.getInputStream().transferTo(new OutputStream() {
          @Override
          public void write(int b) {
            output.append((char) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            output.append(new String(b, off, len, StandardCharsets.UTF_8));
          }
        });
      } catch (IOException ignored) {
        // process ended
      }
    }, "harness-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Sends one event and waits for the function's response or error. */
  public Outcome invoke(String event, Duration timeout) throws Exception {
    String requestId = UUID.randomUUID().toString();
    CompletableFuture<Outcome> future = new CompletableFuture<>();
    outcomes.put(requestId, future);
    events.add(new Pending(requestId, event, System.currentTimeMillis() + timeout.toMillis(), System.nanoTime()));
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no response within " + timeout + "; init error: " + initError.getNow("none")
          + "; function output:\n" + output, e);
    }
  }

  /** Time from process start to the function's first {@code next} call (its init). */
  public Duration initDuration(Duration timeout) throws Exception {
    return Duration.ofNanos(firstNextNanos.get(timeout.toMillis(), TimeUnit.MILLISECONDS) - startNanos);
  }

  public Duration sinceStart() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  public List<CapturedInvoke> invokes() {
    return List.copyOf(invokes);
  }

  public String output() {
    return output.toString();
  }

  public Process process() {
    return process;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    server.stop(0);
  }

  private void runtimeApi(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath().substring("/2018-06-01/runtime/".length());
    byte[] body = exchange.getRequestBody().readAllBytes();
    try {
      if (path.equals("invocation/next")) {
        firstNextNanos.complete(System.nanoTime());
        Pending next = events.take();
        inFlight.put(next.requestId(), next);
        exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.requestId());
        exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(next.deadlineMs()));
        exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:us-east-1:000000000000:function:harness-function:live");
        exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        reply(exchange, 200, next.event().getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
        String requestId = path.split("/")[1];
        Pending pending = inFlight.remove(requestId);
        CompletableFuture<Outcome> future = outcomes.remove(requestId);
        if (future != null && pending != null) {
          future.complete(new Outcome(requestId, path.endsWith("/error"), new String(body, StandardCharsets.UTF_8),
              Duration.ofNanos(System.nanoTime() - pending.sentNanos())));
        }
        reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("init/error")) {
        initError.complete(new String(body, StandardCharsets.UTF_8));
        reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
      } else {
        reply(exchange, 404, "{}".getBytes(StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(exchange, 500, "{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  private void invokeApi(HttpExchange exchange) throws IOException {
    // POST /2015-03-31/functions/{name}/invocations
    String[] parts = exchange.getRequestURI().getPath().split("/");
    String function = java.net.URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
    String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
    invokes.add(new CapturedInvoke(function, type, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    reply(exchange, "Event".equals(type) ? 202 : 200, new byte[0]);
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  /**
   * The runtime interface client and what it needs, taken from the test classpath: its serialization library and
   * the SDK's {@code utils-lite} (the client's own dependency, which Lambda's managed runtime ships beside it; a
   * function artifact without an SDK service module does not contain it).
   */
  static List<String> runtimeJars() {
    List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.contains("aws-lambda-java-runtime-interface-client") || p.contains("aws-lambda-java-serialization")
            || Path.of(p).getFileName().toString().startsWith("utils-lite-"))
        .collect(Collectors.toList());
    for (String needed : List.of("runtime-interface-client", "utils-lite")) {
      if (jars.stream().noneMatch(p -> p.contains(needed))) {
        throw new IllegalStateException(needed + " (the runtime interface client's) is not on the test classpath");
      }
    }
    return jars;
  }

  /** For the benchmark: init and first-response times per function. */
  public static void record(Path file, Map<String, Object> values) throws IOException {
    Files.createDirectories(file.getParent());
    Map<String, Object> ordered = new LinkedHashMap<>(values);
    String json = ordered.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\": " + (e.getValue() instanceof Number ? e.getValue() : "\"" + e.getValue() + "\""))
        .collect(Collectors.joining(", ", "{", "}\n"));
    Files.writeString(file, json);
  }
}
