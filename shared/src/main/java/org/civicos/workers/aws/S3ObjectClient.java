package org.civicos.workers.aws;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The few S3 object operations the workers make (HeadObject, GetObject with a size cap, PutObject, and for
 * local mode CreateBucket and ListObjectsV2), as SigV4-signed HTTP requests on the shared HTTP client. It
 * replaces the SDK's S3 module, which added 5 MB to the file functions and built an endpoint-rules engine at
 * every cold start for these five calls.
 *
 * <p>A request that gets no answer, a 5xx, a 408, throttling (503 {@code SlowDown}, 429) or S3's
 * {@code RequestTimeout} is tried again, {@value #ATTEMPTS} attempts in all with a short exponential backoff
 * (jittered); every attempt is signed afresh. Any other answer, and the last failure, is thrown as
 * {@link S3RequestException}; the caller decides what a refusal means for its job.
 */
public final class S3ObjectClient {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectClient.class);
  static final int ATTEMPTS = 3;
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final byte[] NO_BODY = new byte[0];

  private final SdkHttpClient http;
  private final S3Addressing addressing;
  private final S3RequestSigner signer;
  private final Duration backoff;

  public S3ObjectClient(SdkHttpClient http, S3Addressing addressing, S3RequestSigner signer) {
    this(http, addressing, signer, Duration.ofMillis(100));
  }

  /** @param backoff the wait before the second attempt; it doubles for each further one */
  public S3ObjectClient(SdkHttpClient http, S3Addressing addressing, S3RequestSigner signer, Duration backoff) {
    this.http = http;
    this.addressing = addressing;
    this.signer = signer;
    this.backoff = backoff;
  }

  /** HeadObject: the object's size in bytes, or empty if there is no such object. */
  public Optional<Long> objectSize(String bucket, String key) {
    try {
      return Optional.of(call("HeadObject " + uri(bucket, key),
          addressing.request(SdkHttpMethod.HEAD, bucket, key).build(), NO_BODY,
          (response, body) -> contentLength(response).orElseThrow(
              () -> new IOException("HeadObject answer without Content-Length"))));
    } catch (S3RequestException e) {
      if (e.notFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * GetObject into memory, never holding more than {@code maxBytes}: an announced size above it stops the
   * download before the body is read, and a body without a size is cut off one byte past the limit.
   *
   * @throws S3RequestException with {@link S3RequestException#notFound()} if there is no such object
   * @throws S3ObjectTooLargeException if the object is larger than {@code maxBytes}
   */
  public byte[] getObject(String bucket, String key, long maxBytes) {
    long limit = Math.min(maxBytes, MAX_ARRAY);
    return call("GetObject " + uri(bucket, key), addressing.request(SdkHttpMethod.GET, bucket, key).build(), NO_BODY,
        (response, body) -> readCapped(bucket, key, response, body, limit));
  }

  /** PutObject of {@code body} with its Content-Type, and {@code x-amz-acl: public-read} if asked. */
  public void putObject(String bucket, String key, byte[] body, String contentType, boolean publicRead) {
    SdkHttpFullRequest.Builder request = addressing.request(SdkHttpMethod.PUT, bucket, key)
        .putHeader("Content-Type", contentType)
        .putHeader("Content-Length", Integer.toString(body.length));
    if (publicRead) {
      request.putHeader("x-amz-acl", "public-read");
    }
    call("PutObject " + uri(bucket, key), request.build(), body, (response, in) -> null);
  }

  /**
   * CreateBucket without a location constraint: for local and test servers (AWS creates it in us-east-1, and
   * refuses it at other regional endpoints).
   */
  public void createBucket(String bucket) {
    call("CreateBucket s3://" + bucket, addressing.request(SdkHttpMethod.PUT, bucket, "")
        .putHeader("Content-Length", "0").build(), NO_BODY, (response, in) -> null);
  }

  /** ListObjectsV2, every page: the keys under {@code prefix} (empty for all) in S3's order. */
  public List<String> listKeys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    String token = null;
    do {
      SdkHttpFullRequest.Builder request = addressing.request(SdkHttpMethod.GET, bucket, "")
          .putRawQueryParameter("list-type", "2");
      if (!prefix.isEmpty()) {
        request.putRawQueryParameter("prefix", prefix);
      }
      if (token != null) {
        request.putRawQueryParameter("continuation-token", token);
      }
      Element page = call("ListObjectsV2 s3://" + bucket + "/" + prefix, request.build(), NO_BODY,
          (response, body) -> S3Xml.parse(body.readAllBytes()).getDocumentElement());
      NodeList contents = page.getElementsByTagName("Contents");
      for (int i = 0; i < contents.getLength(); i++) {
        keys.add(S3Xml.child((Element) contents.item(i), "Key"));
      }
      token = "true".equals(S3Xml.child(page, "IsTruncated")) ? S3Xml.child(page, "NextContinuationToken") : null;
    } while (token != null && !token.isEmpty());
    return keys;
  }

  /** Reads a successful answer; an IOException counts as no answer (the attempt is retried). */
  private interface AnswerReader<T> {
    T read(SdkHttpResponse response, AbortableInputStream body) throws IOException;
  }

  private <T> T call(String operation, SdkHttpFullRequest request, byte[] body, AnswerReader<T> reader) {
    for (int attempt = 1; ; attempt++) {
      S3RequestException failure;
      try {
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
            .request(signer.sign(request, body))
            // With a Content-Length the connection streams a fixed-length body, so it needs a body even of 0 bytes.
            .contentStreamProvider(request.firstMatchingHeader("Content-Length").isPresent()
                ? () -> new ByteArrayInputStream(body) : null)
            .build()).call();
        int status = response.httpResponse().statusCode();
        try (AbortableInputStream in = response.responseBody()
            .orElseGet(() -> AbortableInputStream.create(InputStream.nullInputStream()))) {
          if (status / 100 == 2) {
            return reader.read(response.httpResponse(), in);
          }
          failure = S3RequestException.fromAnswer(operation, status, in.readNBytes(MAX_ERROR_BODY));
        }
      } catch (IOException e) {
        failure = S3RequestException.noAnswer(operation, e);
      } catch (UncheckedIOException e) { // how the HTTP client reports some connection failures
        failure = S3RequestException.noAnswer(operation, e.getCause());
      }
      if (!failure.transientFault() || attempt == ATTEMPTS) {
        throw failure;
      }
      LOG.atDebug().log("{} (attempt {} of {}); trying again", failure.getMessage(), attempt, ATTEMPTS);
      pause(attempt, failure);
    }
  }

  private void pause(int attempt, S3RequestException failure) {
    long base = backoff.toMillis() << (attempt - 1);
    try {
      Thread.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }

  private static byte[] readCapped(String bucket, String key, SdkHttpResponse response, AbortableInputStream in,
      long limit) throws IOException {
    Optional<Long> announced = contentLength(response);
    if (announced.isPresent()) {
      long size = announced.get();
      if (size > limit) {
        in.abort(); // drop the connection rather than drain a body we refuse
        throw new S3ObjectTooLargeException(bucket, key, size, limit);
      }
      byte[] bytes = new byte[(int) size];
      int read = in.readNBytes(bytes, 0, bytes.length);
      if (read < bytes.length) {
        throw new IOException("the object ended after " + read + " of " + size + " bytes");
      }
      return bytes;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > limit) {
        in.abort();
        throw new S3ObjectTooLargeException(bucket, key, -1, limit);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static Optional<Long> contentLength(SdkHttpResponse response) {
    try {
      return response.firstMatchingHeader("Content-Length").map(String::trim).map(Long::parseLong);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String uri(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }
}
