package org.civicos.workers.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Where an S3 object lives on the wire: scheme, host, port and the raw (already encoded) path for a bucket and
 * key, path-style ({@code endpoint/bucket/key}) or virtual-hosted ({@code bucket.endpoint/key}).
 *
 * <p>Keys are percent-encoded once per RFC 3986 with {@code /} kept, which is also the path S3 signs (no double
 * encoding, no normalisation): {@code a b+ü.jpg} becomes {@code a%20b%2B%C3%BC.jpg}. A bucket that cannot be a
 * DNS label (dots, upper case) or an endpoint that is an IP address falls back to path-style, which always
 * works; the SDK does the same except for dotted buckets on plain-HTTP endpoints.
 */
public final class S3Addressing {
  private static final Pattern DNS_BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
  private static final Pattern IP_HOST = Pattern.compile("[0-9.]+|\\[.*]");

  private final URI endpoint;
  private final String basePath;
  private final boolean pathStyle;

  /** @param endpoint scheme, host, optional port and optional base path of the S3 server */
  public S3Addressing(URI endpoint, boolean pathStyle) {
    if (endpoint.getHost() == null || endpoint.getScheme() == null) {
      throw new IllegalArgumentException("S3 endpoint must be an absolute http(s) URL: " + endpoint);
    }
    this.endpoint = endpoint;
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.pathStyle = pathStyle;
  }

  /** The endpoint override if there is one, else AWS's endpoint for the region. */
  public static S3Addressing of(Optional<URI> endpoint, String region, boolean pathStyle) {
    return new S3Addressing(endpoint.orElseGet(() -> awsEndpoint(region)), pathStyle);
  }

  /**
   * AWS's S3 endpoint for a region: {@code https://s3.<region>.<partition suffix>}, except us-east-1's
   * {@code https://s3.amazonaws.com}, which is what the SDK signed upload URLs for, so URLs keep their host
   * (a Civic OS content security policy may list it).
   */
  public static URI awsEndpoint(String region) {
    if (region.equals("us-east-1")) {
      return URI.create("https://s3.amazonaws.com");
    }
    return URI.create("https://s3." + region + "." + AwsPartitions.dnsSuffix(region));
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A request for the object (or, with an empty key, the bucket itself), with no headers yet. */
  public SdkHttpFullRequest.Builder request(SdkHttpMethod method, String bucket, String key) {
    boolean virtualHost = !pathStyle && DNS_BUCKET.matcher(bucket).matches()
        && !IP_HOST.matcher(endpoint.getHost()).matches();
    SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
        .method(method)
        .protocol(endpoint.getScheme())
        .host(virtualHost ? bucket + "." + endpoint.getHost() : endpoint.getHost());
    if (endpoint.getPort() != -1) {
      request.port(endpoint.getPort());
    }
    String path = virtualHost ? "/" + encodePath(key) : "/" + encodePath(bucket) + (key.isEmpty() ? "" : "/" + encodePath(key));
    return request.encodedPath(basePath + path);
  }

  /** Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters and {@code /}. */
  public static String encodePath(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
