package org.civicos.workers.aws;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks SigV4 signatures the way S3 does, written here from AWS's published algorithm with the JDK's own
 * SHA-256 and HMAC (not the SDK's signer), because S3Mock accepts any signature. It serves as an S3 front on
 * 127.0.0.1 that answers 200 to a request whose signature (header or presigned URL) matches and has not expired,
 * and 403 {@code SignatureDoesNotMatch} (with the reason) otherwise; it stores nothing.
 */
final class SigV4Verifier implements AutoCloseable {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final String UNSIGNED = "UNSIGNED-PAYLOAD";

  /** One request as it arrived and what the verifier said about it. */
  record Seen(String method, String rawPath, Headers headers, byte[] body, Optional<String> problem) {
  }

  private final String accessKey;
  private final String secret;
  private final HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  SigV4Verifier(String accessKey, String secret) throws IOException {
    this.accessKey = accessKey;
    this.secret = secret;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    URI uri = exchange.getRequestURI();
    Optional<String> problem;
    try {
      problem = problem(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), exchange.getRequestHeaders(),
          body, Instant.now());
    } catch (RuntimeException e) {
      problem = Optional.of("malformed: " + e);
    }
    seen.add(new Seen(exchange.getRequestMethod(), uri.getRawPath(), exchange.getRequestHeaders(), body, problem));
    if (problem.isEmpty()) {
      // A stand-in answer: an empty listing, or a two-byte object.
      byte[] answer = (uri.getRawQuery() != null && uri.getRawQuery().contains("list-type=2")
          ? "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>" : "ok").getBytes(StandardCharsets.UTF_8);
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().add("Content-Length", Integer.toString(answer.length));
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      }
    } else {
      byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message>"
          + problem.get().replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(403, error.length);
      exchange.getResponseBody().write(error);
    }
    exchange.close();
  }

  /** Why the request's signature does not hold, or empty if it does. */
  Optional<String> problem(String method, String rawPath, String rawQuery, Headers headers, byte[] body, Instant now)
      throws IOException {
    Map<String, String> query = new TreeMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        String[] nv = pair.split("=", 2);
        query.put(decode(nv[0]), nv.length == 2 ? decode(nv[1]) : "");
      }
    }
    boolean presigned = query.containsKey("X-Amz-Signature");
    String credential;
    String signedHeaders;
    String signature;
    String date;
    String payloadHash;
    if (presigned) {
      credential = query.get("X-Amz-Credential");
      signedHeaders = query.get("X-Amz-SignedHeaders");
      signature = query.get("X-Amz-Signature");
      date = query.get("X-Amz-Date");
      payloadHash = UNSIGNED;
      Instant signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
      if (now.isAfter(signedAt.plusSeconds(Long.parseLong(query.get("X-Amz-Expires"))))) {
        return Optional.of("expired");
      }
    } else {
      String authorization = headers.getFirst("Authorization");
      if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
        return Optional.of("no SigV4 Authorization header");
      }
      Map<String, String> parts = new TreeMap<>();
      for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",\\s*")) {
        String[] nv = part.split("=", 2);
        parts.put(nv[0], nv[1]);
      }
      credential = parts.get("Credential");
      signedHeaders = parts.get("SignedHeaders");
      signature = parts.get("Signature");
      date = headers.getFirst("x-amz-date");
      payloadHash = headers.getFirst("x-amz-content-sha256");
      if (payloadHash == null) {
        return Optional.of("no x-amz-content-sha256 header");
      }
      if (!payloadHash.equals(UNSIGNED) && !payloadHash.equals(hex(sha256(body)))) {
        return Optional.of("XAmzContentSHA256Mismatch");
      }
      Instant signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
      if (Duration.between(signedAt, now).abs().compareTo(Duration.ofMinutes(15)) > 0) {
        return Optional.of("RequestTimeTooSkewed");
      }
    }
    String[] scope = credential.split("/", 2);
    if (!scope[0].equals(accessKey)) {
      return Optional.of("InvalidAccessKeyId");
    }
    if (!signedHeaders.contains("host")) {
      return Optional.of("host is not signed");
    }
    StringBuilder canonicalQuery = new StringBuilder();
    for (Map.Entry<String, String> p : query.entrySet()) {
      if (p.getKey().equals("X-Amz-Signature")) {
        continue;
      }
      canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&").append(encode(p.getKey())).append('=')
          .append(encode(p.getValue()));
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : signedHeaders.split(";")) {
      List<String> values = headers.get(name);
      if (values == null) {
        return Optional.of("signed header " + name + " is missing");
      }
      List<String> trimmed = new ArrayList<>();
      values.forEach(v -> trimmed.add(v.trim().replaceAll(" +", " ")));
      canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
    }
    String canonicalRequest = method + "\n" + rawPath + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n"
        + signedHeaders + "\n" + payloadHash;
    String[] scopeParts = scope[1].split("/"); // date/region/service/aws4_request
    String stringToSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope[1] + "\n"
        + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scopeParts[0]);
    key = hmac(key, scopeParts[1]);
    key = hmac(key, scopeParts[2]);
    key = hmac(key, "aws4_request");
    String expected = hex(hmac(key, stringToSign));
    return expected.equals(signature) ? Optional.empty() : Optional.of("SignatureDoesNotMatch");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** RFC 3986 percent-encoding of everything but unreserved characters, as SigV4's canonical query wants. */
  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    return out.toString();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
