package org.civicos.workers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

/**
 * One AWS JSON API called without its SDK service module: a POST signed with SigV4 by the SDK's own
 * {@link AwsV4HttpSigner} for one service and region, sent on the shared HTTP client, and its answer read back.
 * A service module costs megabytes and hundreds of milliseconds of init for the single call we make to it
 * (Lambda {@code Invoke}, SES {@code SendEmail}); this is that call's wire format and nothing more. Retrying is
 * left to the caller, because what may be retried, and how often, differs per call.
 */
public final class AwsJsonApi {
  /** Answers are cut here: ours are a few hundred bytes, and an error page must not fill the memory. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final String signingName;
  private final Region region;
  private final URI endpoint;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /**
   * @param signingName the service's SigV4 name ({@code lambda}, {@code ses})
   * @param endpoint scheme, host and port (and an optional base path) requests go to
   * @param clock the signing time; the system clock outside tests
   */
  public AwsJsonApi(SdkHttpClient http, AwsCredentialsProvider credentials, String signingName, Region region,
      URI endpoint, Clock clock) {
    this.http = http;
    this.credentials = credentials;
    this.signingName = signingName;
    this.region = region;
    this.endpoint = endpoint;
    this.clock = clock;
  }

  /**
   * AWS's public endpoint of a service in a region: {@code https://<prefix>.<region>.<partition's DNS suffix>}
   * ({@code amazonaws.com}, {@code amazonaws.com.cn}...). The partition comes from the region's name, so a region
   * newer than this SDK's metadata still resolves.
   */
  public static URI regionalEndpoint(String prefix, Region region) {
    return URI.create("https://" + prefix + "." + region.id() + "." + AwsPartitions.dnsSuffix(region.id()));
  }

  public URI endpoint() {
    return endpoint;
  }

  public Region region() {
    return region;
  }

  /**
   * Signs and sends {@code POST <endpoint><encodedPath>} with a JSON body ({@code Content-Type:
   * application/json}) and these extra headers, all of them signed.
   *
   * @throws IOException the request could not be sent or its answer not read (nothing is known about its effect)
   */
  public Response post(String encodedPath, Map<String, String> headers, byte[] json) throws IOException {
    SdkHttpFullRequest.Builder builder = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(endpoint)
        .encodedPath(basePath() + encodedPath)
        .putHeader("Content-Type", "application/json")
        .putHeader("Content-Length", Integer.toString(json.length));
    headers.forEach(builder::putHeader);
    SdkHttpFullRequest request = builder.build();
    ContentStreamProvider payload = () -> new ByteArrayInputStream(json);
    SignedRequest signed = signer.sign(r -> r
        .identity(credentials.resolveCredentials())
        .request(request)
        .payload(payload)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
    HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
        .request(signed.request()).contentStreamProvider(signed.payload().orElse(payload)).build()).call();
    byte[] body = new byte[0];
    Optional<? extends InputStream> stream = response.responseBody();
    if (stream.isPresent()) {
      try (InputStream in = stream.get()) {
        body = in.readNBytes(MAX_BODY_BYTES);
      }
    }
    return new Response(response.httpResponse().statusCode(), response.httpResponse().headers(), body);
  }

  /** The endpoint's own path, which the SDK keeps in front of an operation's path, without a trailing slash. */
  private String basePath() {
    String path = endpoint.getRawPath();
    return path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
  }

  /**
   * An answer: its status, headers and (at most {@value #MAX_BODY_BYTES} bytes of) body, with the parts of the
   * AWS JSON error format every JSON protocol shares.
   */
  public static final class Response {
    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    public Response(int status, Map<String, List<String>> headers, byte[] body) {
      this.status = status;
      Map<String, List<String>> copy = new LinkedHashMap<>();
      headers.forEach((name, values) -> {
        if (name != null && values != null) { // HttpURLConnection lists the status line under a null name
          copy.put(name, values.stream().filter(Objects::nonNull).toList());
        }
      });
      this.headers = Collections.unmodifiableMap(copy);
      this.body = body.clone();
    }

    public int status() {
      return status;
    }

    public boolean successful() {
      return status >= 200 && status < 300;
    }

    /** The first value of a header; names compare without case, as HTTP says. */
    public Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
          .map(e -> e.getValue().get(0))
          .findFirst();
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The first {@code maxBytes} bytes of the body as UTF-8 text. */
    public String text(int maxBytes) {
      return new String(body, 0, Math.min(body.length, maxBytes), StandardCharsets.UTF_8);
    }

    /**
     * The body as JSON; an empty body is an empty object (a JSON API answering 200 without content) and a body
     * that is not JSON is {@link MissingNode}.
     */
    public JsonNode json() {
      if (body.length == 0) {
        return JSON.createObjectNode();
      }
      try {
        JsonNode node = JSON.readTree(body);
        return node == null ? MissingNode.getInstance() : node;
      } catch (IOException e) {
        return MissingNode.getInstance();
      }
    }

    /** AWS's id of this request, for support cases and CloudTrail. */
    public Optional<String> requestId() {
      return header("x-amzn-RequestId").or(() -> header("x-amz-request-id"));
    }

    /**
     * The error's name ({@code MessageRejected}, {@code ThrottlingException}...): the {@code x-amzn-ErrorType}
     * header up to its first {@code :} (a namespace URL may follow), else the body's {@code __type} or
     * {@code code} after its last {@code #} (a shape namespace may precede it).
     */
    public Optional<String> errorType() {
      Optional<String> fromHeader = header("x-amzn-ErrorType").map(v -> {
        int colon = v.indexOf(':');
        return (colon < 0 ? v : v.substring(0, colon)).trim();
      }).filter(v -> !v.isEmpty());
      if (fromHeader.isPresent()) {
        return fromHeader;
      }
      JsonNode json = json();
      for (String field : List.of("__type", "code")) {
        JsonNode value = json.path(field);
        if (value.isTextual()) {
          String type = value.asText().substring(value.asText().lastIndexOf('#') + 1).trim();
          return type.isEmpty() ? Optional.empty() : Optional.of(type);
        }
      }
      return Optional.empty();
    }

    /** The error's message: the {@code x-amzn-error-message} header, else the body's {@code message}, {@code
     * Message} or {@code errorMessage}. */
    public Optional<String> errorMessage() {
      Optional<String> fromHeader = header("x-amzn-error-message");
      if (fromHeader.isPresent()) {
        return fromHeader;
      }
      JsonNode json = json();
      for (String field : List.of("message", "Message", "errorMessage")) {
        JsonNode value = json.path(field);
        if (value.isTextual()) {
          return Optional.of(value.asText());
        }
      }
      return Optional.empty();
    }
  }
}
