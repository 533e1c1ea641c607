package org.civicos.workers.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A fault-injecting HTTP/1.1 reverse proxy on 127.0.0.1 in front of an in-process server (S3, SES), so the real
 * AWS SDK clients meet the faults a real endpoint produces: 5xx answers, throttling, a hung endpoint (held, then
 * closed: the client's own timeout fires first) and connection resets (RST, no answer). Every fault except
 * {@link Fault#RESET_AFTER_FORWARD} is injected <em>before</em> the request is forwarded, so the upstream never
 * sees it: a planted fault never has a side effect. {@code RESET_AFTER_FORWARD} forwards first and then resets the
 * connection: the upstream acted but the client cannot know (the ambiguous case at-least-once delivery exists for).
 *
 * <p>One request per connection ({@code Connection: close} both ways); a {@link #plan} decides per request.
 */
public final class FaultProxy implements AutoCloseable {

  /** What happens to one request. */
  public enum Fault { NONE, SERVER_ERROR, THROTTLE, TIMEOUT, RESET, RESET_AFTER_FORWARD }

  /** How error answers look: as S3 (XML) or SES v2 (JSON + x-amzn-ErrorType) would send them. */
  public enum Flavor { S3, SES }

  /** The part of a request a plan decides on. */
  public record Request(String method, String path, long number) {
  }

  private final ServerSocket server;
  private final URI upstream;
  private final Flavor flavor;
  private final Duration hold;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<Fault, AtomicLong> counts = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private volatile Function<Request, Fault> plan = r -> Fault.NONE;
  private volatile boolean closed;

  private FaultProxy(ServerSocket server, URI upstream, Flavor flavor, Duration hold) {
    this.server = server;
    this.upstream = upstream;
    this.flavor = flavor;
    this.hold = hold;
    for (Fault f : Fault.values()) {
      counts.put(f, new AtomicLong());
    }
  }

  /**
   * @param hold how long a {@link Fault#TIMEOUT} request is held before the connection is closed without an
   *     answer; set it above the client's socket timeout to see the client's own timeout
   */
  public static FaultProxy start(URI upstream, Flavor flavor, Duration hold) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
      FaultProxy proxy = new FaultProxy(socket, upstream, flavor, hold);
      Thread.ofPlatform().daemon().name("fault-proxy-" + socket.getLocalPort()).start(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the fault proxy", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Replaces the plan (thread-safe; applies to requests that arrive afterwards). */
  public FaultProxy plan(Function<Request, Fault> newPlan) {
    this.plan = newPlan;
    return this;
  }

  public long requests() {
    return requests.get();
  }

  public long count(Fault fault) {
    return counts.get(fault).get();
  }

  /** Requests that got a planted fault (anything but NONE). */
  public long faults() {
    return requests.get() - counts.get(Fault.NONE).get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        threads.submit(() -> handle(client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      client.setSoTimeout(60_000);
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String headText = new String(head, StandardCharsets.ISO_8859_1);
      String[] lines = headText.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      String method = requestLine[0];
      String path = requestLine.length > 1 ? requestLine[1] : "/";
      byte[] body = readBody(in, lines);
      long number = requests.incrementAndGet();
      Fault fault = plan.apply(new Request(method, path, number));
      counts.get(fault).incrementAndGet();
      switch (fault) {
        case NONE -> forward(client, method, lines, body, false);
        case SERVER_ERROR -> error(client, method, false);
        case THROTTLE -> error(client, method, true);
        case TIMEOUT -> {
          Thread.sleep(hold.toMillis());
          reset(client);
        }
        case RESET -> reset(client);
        case RESET_AFTER_FORWARD -> forward(client, method, lines, body, true);
      }
    } catch (IOException | InterruptedException e) {
      // the client went away (its own timeout) or we are closing
    }
  }

  private void forward(Socket client, String method, String[] lines, byte[] body, boolean resetAfter)
      throws IOException {
    try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
      up.setSoTimeout(60_000);
      OutputStream upOut = up.getOutputStream();
      StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
      for (int i = 1; i < lines.length; i++) {
        String lower = lines[i].toLowerCase(Locale.ROOT);
        if (lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
          continue;
        }
        head.append(lines[i]).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      upOut.write(body);
      upOut.flush();
      InputStream upIn = up.getInputStream();
      byte[] responseHead = readHead(upIn);
      if (responseHead == null) {
        reset(client);
        return;
      }
      byte[] rest = upIn.readAllBytes();
      if (resetAfter) {
        reset(client);
        return;
      }
      String[] responseLines = new String(responseHead, StandardCharsets.ISO_8859_1).split("\r\n");
      StringBuilder out = new StringBuilder(responseLines[0]).append("\r\n");
      for (int i = 1; i < responseLines.length; i++) {
        String lower = responseLines[i].toLowerCase(Locale.ROOT);
        if (lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
          continue;
        }
        out.append(responseLines[i]).append("\r\n");
      }
      out.append("Connection: close\r\n\r\n");
      OutputStream clientOut = client.getOutputStream();
      clientOut.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
      clientOut.write(rest);
      clientOut.flush();
    }
  }

  private void error(Socket client, String method, boolean throttle) throws IOException {
    int status;
    String type;
    String contentType;
    String body;
    String extraHeader = "";
    if (flavor == Flavor.S3) {
      status = throttle ? 503 : 500;
      type = throttle ? "SlowDown" : "InternalError";
      contentType = "application/xml";
      body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + type + "</Code><Message>injected by "
          + "FaultProxy</Message><RequestId>fault</RequestId></Error>";
    } else {
      status = throttle ? 429 : 500;
      type = throttle ? "TooManyRequestsException" : "InternalFailure";
      contentType = "application/json";
      body = "{\"message\":\"injected by FaultProxy\"}";
      extraHeader = "x-amzn-ErrorType: " + type + ":http://internal.amazon.com/coral/com.amazonaws.sesv2/\r\n"
          + "x-amzn-RequestId: fault\r\n";
    }
    byte[] bytes = method.equals("HEAD") ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + (throttle ? "Slow Down" : "Internal Server Error") + "\r\n"
        + "Content-Type: " + contentType + "\r\n" + extraHeader
        + "Content-Length: " + (method.equals("HEAD") ? body.length() : bytes.length) + "\r\n"
        + "Connection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  /** Closes with RST (linger 0): the client sees "connection reset", not a clean end of stream. */
  private static void reset(Socket client) throws IOException {
    client.setSoLinger(true, 0);
    client.close();
  }

  /** Reads up to and including the blank line; null at end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = switch (matched) {
        case 0, 2 -> b == '\r' ? matched + 1 : 0;
        case 1, 3 -> b == '\n' ? matched + 1 : (b == '\r' ? 1 : 0);
        default -> 0;
      };
      if (matched == 4) {
        byte[] bytes = head.toByteArray();
        return java.util.Arrays.copyOf(bytes, bytes.length - 4);
      }
    }
    return null;
  }

  /** The request body as sent: by Content-Length, or the raw chunked encoding up to its last chunk. */
  private static byte[] readBody(InputStream in, String[] lines) throws IOException {
    long length = 0;
    boolean chunked = false;
    for (String line : lines) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (!chunked) {
      return in.readNBytes((int) length);
    }
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in, raw);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        // trailers up to the blank line
        while (!readLine(in, raw).isEmpty()) {
          // keep reading trailers
        }
        return raw.toByteArray();
      }
      raw.write(in.readNBytes(size));
      readLine(in, raw);
    }
  }

  private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      copy.write(b);
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
