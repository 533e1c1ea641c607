package org.civicos.workers.testing.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;

/**
 * A real SES v2 emulator for the tests of one JVM: the npm package {@code aws-ses-v2-local} (version
 * {@value #VERSION}), which {@code scripts/ses-emulator install} puts in {@code .local/ses-emulator/} at the
 * repository root. It is started lazily, on the first {@link #endpoint()}, as a {@code node} child process on
 * a free loopback port, and ends with the JVM. With {@code SES_EMULATOR_URL} set (e.g.
 * {@code http://127.0.0.1:8005} from {@code scripts/ses-emulator run}) that server is used instead.
 *
 * <p>When it is not installed (or {@code node} is missing), {@link #assumeAvailable()} — which
 * {@link #endpoint()}, {@link #client()} and the readers call first — skips the test, or fails it when
 * {@code CIVIC_REQUIRE_SES_EMULATOR=1} (as {@code scripts/test} and so CI set).
 *
 * <p>What it implements: SendEmail ({@code POST /v2/email/outbound-emails}, Simple, Raw and Template content),
 * SendBulkEmail, the email-template operations and GetAccount. It stores each email in memory and answers
 * with a {@code MessageId} like {@code ses-123456789}. It does not check signatures (any {@code Authorization: AWS…}
 * header passes), identities, sending quotas, configuration sets (the name is accepted and dropped) or
 * charsets (dropped: it keeps the decoded strings); its own 400s carry no error type, so the SDK maps them to a
 * plain {@code SesV2Exception}. For SES's errors use {@link FakeSesServer}.
 *
 * <p>Several test classes share it: give each test its own recipient ({@link #uniqueAddress(String)}) and
 * read with {@link #messagesTo(String)} or {@link #message(String)} rather than relying on {@link #clear()}.
 */
public final class SesEmulator {
  /** The aws-ses-v2-local version scripts/ses-emulator pins. */
  public static final String VERSION = "2.10.2";
  public static final String URL_ENV = "SES_EMULATOR_URL";
  public static final String REQUIRE_ENV = "CIVIC_REQUIRE_SES_EMULATOR";
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  static final String INSTALL_DIR = ".local/ses-emulator";
  static final String CLI = "node_modules/aws-ses-v2-local/dist/cli.js";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Runs the package's CLI ({@code argv[1]}) on the loopback port {@code argv[2]}, and exits when its stdin
   * closes, so that a JVM that dies without running its shutdown hooks leaves no emulator behind.
   */
  private static final String LAUNCHER = String.join("\n",
      "const [cli, port] = process.argv.slice(1);",
      "process.stdin.on('data', () => {});",
      "process.stdin.on('end', () => process.exit(0));",
      "process.stdin.on('error', () => process.exit(0));",
      "process.argv = [process.argv[0], cli, '--host', '127.0.0.1', '--port', port];",
      "require(cli);");

  private static URI endpoint;
  private static Process process;
  private static Path log;

  private SesEmulator() {
  }

  /**
   * Returns normally when the emulator can be used; otherwise skips the calling test (a JUnit assumption), or
   * fails it when {@code CIVIC_REQUIRE_SES_EMULATOR=1}. Either way the message says how to install it.
   */
  public static void assumeAvailable() {
    String problem = problem();
    if (problem != null) {
      unavailable(problem, required());
    }
  }

  /** Whether {@link #assumeAvailable()} would pass. */
  public static boolean available() {
    return problem() == null;
  }

  /** The emulator's base URI, for {@code SesV2Client.builder().endpointOverride(...)}; starts it if needed. */
  public static synchronized URI endpoint() {
    assumeAvailable();
    if (endpoint == null) {
      String external = System.getenv(URL_ENV);
      if (external != null && !external.isBlank()) {
        endpoint = URI.create(external.strip().replaceAll("/+$", ""));
      } else {
        endpoint = start();
      }
    }
    return endpoint;
  }

  /** A builder already pointed at the emulator (dummy static credentials, us-east-1, URLConnection client). */
  public static SesV2ClientBuilder clientBuilder() {
    return SesV2Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create());
  }

  /** A new client for the emulator; close it when done. */
  public static SesV2Client client() {
    return clientBuilder().build();
  }

  /** Every email the emulator holds, oldest first ({@code GET /store}). */
  public static List<SentEmail> messages() {
    JsonNode store = getJson("/store");
    List<SentEmail> out = new ArrayList<>();
    for (JsonNode e : store.path("emails")) {
      out.add(SentEmail.fromStore(e));
    }
    return List.copyOf(out);
  }

  /** The emails with this address among To, Cc or Bcc, oldest first. */
  public static List<SentEmail> messagesTo(String address) {
    return messages().stream().filter(m -> m.isAddressedTo(address)).toList();
  }

  /** The email whose {@code MessageId} SendEmail returned; fails when there is none. */
  public static SentEmail message(String messageId) {
    return messages().stream().filter(m -> messageId.equals(m.messageId())).findFirst()
        .orElseThrow(() -> new AssertionError("the SES emulator holds no email " + messageId));
  }

  /**
   * The email as a MIME message ({@code GET /get-emlContent?messageId=}), which the emulator builds with
   * nodemailer: encoded headers, multipart/alternative bodies. Not what SES would send byte for byte.
   */
  public static String eml(String messageId) {
    JsonNode reply = getJson("/get-emlContent?messageId=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8));
    JsonNode data = reply.path("body").path("data");
    byte[] bytes = new byte[data.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) data.get(i).asInt();
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Empties the store ({@code POST /clear-store}; email templates go too). The store is shared by every test of
   * the JVM (and by everyone using a {@code SES_EMULATOR_URL} server): prefer unique recipients.
   */
  public static void clear() {
    send(HttpRequest.newBuilder(endpoint().resolve("/clear-store")).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** An address no other test uses, e.g. {@code notify-3f9c1a2b@example.org}. */
  public static String uniqueAddress(String localPart) {
    return localPart + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
  }

  // --- availability ---

  /** Why the emulator cannot be used here, or null when it can. */
  static String problem() {
    String external = System.getenv(URL_ENV);
    if (external != null && !external.isBlank()) {
      return null;
    }
    Path root = repositoryRoot(Path.of(System.getProperty("user.dir")));
    if (root == null) {
      return "no civic-workers checkout (a pom.xml listing <module>shared</module>) above "
          + System.getProperty("user.dir");
    }
    Path cli = root.resolve(INSTALL_DIR).resolve(CLI);
    if (!Files.isRegularFile(cli)) {
      return "aws-ses-v2-local is not installed (no " + cli + ")";
    }
    if (nodeExecutable() == null) {
      return "node is not on PATH (the emulator needs Node.js 20.19 or newer)";
    }
    return null;
  }

  static boolean required() {
    return "1".equals(System.getenv(REQUIRE_ENV));
  }

  /** Skips (an aborted test) or, when required, fails with the problem and what to do about it. */
  static void unavailable(String problem, boolean required) {
    String message = "SES v2 emulator unavailable: " + problem
        + ". Run scripts/test, or scripts/ses-emulator install, to install it (needs Node.js 20.19+ and npm)"
        + " — or set " + URL_ENV + " to a running one.";
    if (required) {
      Assertions.fail(message + " " + REQUIRE_ENV + "=1, so this fails instead of skipping.");
    }
    Assumptions.abort(message);
  }

  /** The nearest directory at or above {@code from} whose pom.xml lists the shared module, or null. */
  static Path repositoryRoot(Path from) {
    Pattern module = Pattern.compile("<module>\\s*shared\\s*</module>");
    for (Path dir = from.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom) && module.matcher(Files.readString(pom)).find()) {
          return dir;
        }
      } catch (IOException e) {
        // unreadable: keep walking up
      }
    }
    return null;
  }

  private static Path nodeExecutable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path node = Path.of(dir, "node");
      if (Files.isRegularFile(node) && Files.isExecutable(node)) {
        return node;
      }
    }
    return null;
  }

  // --- the child process ---

  private static URI start() {
    Path root = repositoryRoot(Path.of(System.getProperty("user.dir")));
    Path cli = root.resolve(INSTALL_DIR).resolve(CLI);
    Path node = nodeExecutable();
    IllegalStateException failure = null;
    for (int attempt = 1; attempt <= 3; attempt++) { // another process may take the free port first
      int port = freePort();
      try {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        log = tmp.resolve("ses-emulator-" + port + ".log");
        Process p = new ProcessBuilder(node.toString(), "-e", LAUNCHER, cli.toString(), String.valueOf(port))
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        URI uri = URI.create("http://127.0.0.1:" + port);
        if (awaitHealthy(p, uri)) {
          process = p;
          Runtime.getRuntime().addShutdownHook(new Thread(SesEmulator::stop, "ses-emulator-stop"));
          return uri;
        }
        p.destroyForcibly();
        failure = new IllegalStateException("the SES v2 emulator did not start on port " + port + ": " + logTail());
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the SES v2 emulator (" + node + " " + cli + ")", e);
      }
    }
    throw failure;
  }

  private static boolean awaitHealthy(Process p, URI uri) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest health = HttpRequest.newBuilder(uri.resolve("/health-check")).timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      try {
        if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static synchronized void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
      process = null;
    }
  }

  private static String logTail() {
    try {
      String text = Files.readString(log);
      return text.length() > 2000 ? "…" + text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- HTTP ---

  private static JsonNode getJson(String pathAndQuery) {
    String body = send(HttpRequest.newBuilder(endpoint().resolve(pathAndQuery)).GET());
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("the SES emulator's " + pathAndQuery + " is not JSON: " + body, e);
    }
  }

  private static String send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the SES emulator answered " + response.statusCode() + " to "
            + response.request().method() + " " + response.uri() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("the SES emulator at " + endpoint + " did not answer: "
          + (log != null ? logTail() : ""), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
