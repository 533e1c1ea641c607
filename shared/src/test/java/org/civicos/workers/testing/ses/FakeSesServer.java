package org.civicos.workers.testing.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;

/**
 * An in-process fake of SES v2's SendEmail ({@code POST /v2/email/outbound-emails}) for fault injection: it
 * records every attempt and answers each with the next {@link SesReply} queued by {@link #enqueue}, or with
 * {@link #otherwise} (success by default) when the queue is empty. Errors are encoded the way SES v2 sends them,
 * so the real SDK throws its modeled exceptions with the right status codes. Other paths get a 404
 * {@code UnknownOperationException}.
 *
 * <p>The SDK retries throttling, 5xx and I/O errors by default: one {@code sendEmail} call can be several
 * attempts, each one consuming one queued reply and recorded in {@link #requests()}. SDK 2.57's default (legacy)
 * retry mode makes up to 4 attempts, {@code RetryMode.STANDARD} 3; {@code retryStrategy(r -> r.maxAttempts(1))}
 * turns retries off.
 *
 * <pre>{@code
 * try (FakeSesServer ses = FakeSesServer.start(); SesV2Client client = ses.client()) {
 *   ses.enqueue(SesReply.throttled(), SesReply.success("m-1"));
 *   client.sendEmail(...);                       // succeeds on the second attempt
 *   assertThat(ses.attempts()).isEqualTo(2);
 * }
 * }</pre>
 */
public final class FakeSesServer implements AutoCloseable {
  public static final String SEND_EMAIL_PATH = "/v2/email/outbound-emails";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<SesReply> queue = new ConcurrentLinkedQueue<>();
  private final List<RecordedSesRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger messageIds = new AtomicInteger();
  private volatile SesReply otherwise = SesReply.success();

  private FakeSesServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a fake on a free loopback port. */
  public static FakeSesServer start() {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-ses-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.setExecutor(executor);
      FakeSesServer fake = new FakeSesServer(server, executor);
      server.createContext("/", fake::handle);
      server.start();
      return fake;
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A builder already pointed at the fake (dummy static credentials, us-east-1, URLConnection client). */
  public SesV2ClientBuilder clientBuilder() {
    return SesV2Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(SesEmulator.ACCESS_KEY, SesEmulator.SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create());
  }

  /** A new client with the SDK's default retries and timeouts; close it when done. */
  public SesV2Client client() {
    return clientBuilder().build();
  }

  /** Queues replies, one per coming attempt, in order. */
  public FakeSesServer enqueue(SesReply... replies) {
    for (SesReply r : replies) {
      queue.add(Objects.requireNonNull(r));
    }
    return this;
  }

  /** The reply to every attempt once the queue is empty (initially {@link SesReply#success()}). */
  public FakeSesServer otherwise(SesReply reply) {
    otherwise = Objects.requireNonNull(reply);
    return this;
  }

  /** Every attempt received so far, in arrival order. */
  public List<RecordedSesRequest> requests() {
    return List.copyOf(requests);
  }

  /** The SendEmail attempts received so far, in arrival order. */
  public List<RecordedSesRequest> sendEmailRequests() {
    return requests.stream().filter(r -> SEND_EMAIL_PATH.equals(r.path())).toList();
  }

  /** How many SendEmail attempts arrived (retries count). */
  public int attempts() {
    return sendEmailRequests().size();
  }

  /** The latest SendEmail attempt; fails when there is none. */
  public RecordedSesRequest lastRequest() {
    List<RecordedSesRequest> sent = sendEmailRequests();
    if (sent.isEmpty()) {
      throw new AssertionError("the fake SES server received no SendEmail request");
    }
    return sent.get(sent.size() - 1);
  }

  /** How many queued replies are still unused. */
  public int pendingReplies() {
    return queue.size();
  }

  /** Forgets the requests and the queue, and answers success again. */
  public void reset() {
    queue.clear();
    requests.clear();
    otherwise = SesReply.success();
  }

  /** Stops at once; attempts still waiting out a delay are cut off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw;
      try (InputStream in = exchange.getRequestBody()) {
        raw = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getPath();
      boolean sendEmail = "POST".equals(exchange.getRequestMethod()) && SEND_EMAIL_PATH.equals(path);
      SesReply reply;
      if (sendEmail) {
        SesReply next = queue.poll();
        reply = next != null ? next : otherwise;
      } else {
        reply = SesReply.error(404, "UnknownOperationException", null);
      }
      String body = new String(raw, StandardCharsets.UTF_8);
      requests.add(new RecordedSesRequest(Instant.now(), exchange.getRequestMethod(), path,
          headers(exchange), body, parse(body), reply));

      if (!reply.delay.isZero()) {
        try {
          Thread.sleep(reply.delay.toMillis());
        } catch (InterruptedException e) { // closing
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (reply.drop) {
        return; // closing an exchange that sent no response headers closes the connection
      }
      respond(exchange, reply);
    } catch (IOException e) {
      // the client went away (e.g. it timed out during a delay): nothing to answer
    }
  }

  private void respond(HttpExchange exchange, SesReply reply) throws IOException {
    ObjectNode json = JSON.createObjectNode();
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (reply.errorType == null) {
      json.put("MessageId", reply.messageId != null ? reply.messageId : nextMessageId());
    } else if (reply.typeInBody) {
      json.put("__type", SesReply.BODY_TYPE_PREFIX + reply.errorType);
      if (reply.message != null) {
        json.put("message", reply.message);
      }
    } else {
      headers.set("x-amzn-ErrorType", reply.errorType + SesReply.ERROR_TYPE_SUFFIX);
      if (reply.message != null) {
        json.put("message", reply.message);
      }
    }
    byte[] bytes = JSON.writeValueAsBytes(json);
    exchange.sendResponseHeaders(reply.status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Shaped like SES's: {@code 010001…-…-000000}. */
  private String nextMessageId() {
    return String.format(Locale.ROOT, "0100019%09x-%s-000000", messageIds.incrementAndGet(), UUID.randomUUID());
  }

  private static Map<String, List<String>> headers(HttpExchange exchange) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) ->
        out.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  private static JsonNode parse(String body) {
    if (body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }
}
